import pg from "pg";
import type { SimilarityFile } from "../../grader/similarity/similarity.ts";
import { openStorage } from "../../server/service.ts";
import { latestOfStudents, latestSources } from "../../server/similarity.ts";
import { openPostgresStorage } from "../../server/storage/postgres.ts";
import type { Storage } from "../../server/storage/types.ts";
import { configFrom } from "../admin-storage.ts";
import { UsageError } from "../usage.ts";

type Reader = Pick<Storage, "getCourse" | "getAssignment" | "listAssignmentSubmissions" | "getSource" | "close">;

/**
 * The service's database as GET /v1/similarity reads it, opened the way the admin commands open
 * theirs (PostgreSQL when DATABASE_URL is set, else SQLite under AUTOGRADE_DATA_DIR; --data-dir
 * forces SQLite there). The admin storage has no submissions, so this opens the full one; it never
 * enqueues, so PostgreSQL gets no queue.
 */
async function openReader(env: NodeJS.ProcessEnv, dataDirFlag: string | undefined): Promise<Reader> {
  const config = configFrom("similarity", env);
  if (dataDirFlag !== undefined || !config.databaseUrl) return openStorage({ dataDir: dataDirFlag ?? config.dataDir });
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 1, application_name: "autograde-similarity" });
  try {
    const storage = await openPostgresStorage({
      pool,
      enqueue: async () => {
        throw new Error("autograde similarity only reads");
      },
    });
    return { ...storage, close: () => pool.end() };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** Each student's latest submission to the assignment, under the student's name; staff's own are left out, as the service does. */
export async function assignmentFiles(env: NodeJS.ProcessEnv, dataDirFlag: string | undefined, course: string, assignment: string): Promise<SimilarityFile[]> {
  const storage = await openReader(env, dataDirFlag);
  try {
    if (!(await storage.getCourse(course))) throw new UsageError(`similarity: no course ${course}`);
    if (!(await storage.getAssignment(course, assignment))) throw new UsageError(`similarity: course ${course} has no assignment ${assignment}`);
    return await latestSources(storage, latestOfStudents(await storage.listAssignmentSubmissions(course, assignment)));
  } finally {
    await storage.close();
  }
}
