import { readFileSync } from "node:fs";
import { assignmentBody, assignmentBodyOf, assignmentPolicy } from "../../server/policy/assignment-body.ts";
import { recomputeLateness } from "../../server/recompute.ts";
import { assignmentId, courseId } from "../../server/schemas.ts";
import { withAdminStorage } from "../admin-storage.ts";
import { parseFlags, UsageError, write, type CliCommand } from "../usage.ts";

const usage = `usage: autograde assignment set COURSE ID (--body JSON | --file FILE.json) [--data-dir DIR]
       autograde assignment list COURSE [--format text|json] [--data-dir DIR]

The body is PUT /v1/courses/:course/assignments/:assignment's: { title?, exercises?, points?,
opensAt?, dueAt?, lateUntil?, latePenalty?: { percentPerHour | percentPerDay, maxPercent },
maxAttempts?, minMinutesBetween?, hiddenResults?, scorePolicy? }, dates ISO 8601. set creates or
replaces the assignment and recomputes its submissions' late penalties from their submit times
(no regrade). Scores already sent to an LMS are sent again by the service on its next grading of
that student, or at once when the change is made over HTTP.`;

const flags = { body: { type: "string" }, file: { type: "string" }, format: { type: "string", default: "text" }, "data-dir": { type: "string" } } as const;

function readBody(values: { body?: string | undefined; file?: string | undefined }): unknown {
  if ((values.body === undefined) === (values.file === undefined)) throw new UsageError("assignment set: give the body as --body JSON or --file FILE.json");
  let text: string;
  try {
    text = values.body ?? readFileSync(values.file!, "utf8");
  } catch (err) {
    throw new UsageError(`assignment set: cannot read ${values.file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`assignment set: the body is not JSON: ${(err as Error).message}`);
  }
}

export const command: CliCommand = {
  summary: "create, replace and list a course's assignments",
  usage,
  async run(args, io) {
    const { values, positionals } = parseFlags("assignment", args, flags, { min: 2, max: 3, name: "subcommand (set or list) and COURSE" });
    const [sub, course, id] = positionals as [string, string, string | undefined];
    if (sub !== "set" && sub !== "list") throw new UsageError(`assignment: unknown subcommand "${sub}" (set or list)`);
    if (!courseId.safeParse(course).success) throw new UsageError(`assignment ${sub}: COURSE: ${JSON.stringify(course)} is not a course id`);
    if (sub === "list" && id !== undefined) throw new UsageError(`assignment list: unexpected argument "${id}"`);
    if (sub === "set" && (id === undefined || !assignmentId.safeParse(id).success)) throw new UsageError("assignment set: ID: name the assignment (1-64 of A-Z a-z 0-9 . _ -)");
    const parsed = sub === "set" ? assignmentBody.safeParse(readBody(values)) : null;
    if (parsed && !parsed.success) {
      throw new UsageError(`assignment set: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`);
    }
    return withAdminStorage("assignment", io.env, values["data-dir"], async (storage) => {
      if (!(await storage.getCourse(course))) {
        write(io.stderr, `assignment ${sub}: no course ${course} (autograde course create)`);
        return 2;
      }
      if (parsed?.success) {
        const record = { ...assignmentPolicy(id!, parsed.data), course, id: id!, updatedAt: Date.now() };
        await storage.putAssignment(record);
        const recomputed = await recomputeLateness(storage, record);
        write(io.stdout, `stored assignment ${course}/${id}; ${recomputed} submission${recomputed === 1 ? "" : "s"} recomputed`);
        return 0;
      }
      const assignments = await storage.listAssignments(course);
      if (values.format === "json") {
        write(io.stdout, JSON.stringify(assignments.map((a) => ({ id: a.id, ...assignmentBodyOf(a) })), null, 2));
      } else {
        const when = (ms: number | null) => (ms === null ? "-" : new Date(ms).toISOString());
        write(io.stdout, assignments.map((a) => `${a.id}  ${a.title}  exercises ${a.exercises?.join(",") ?? "all"}  due ${when(a.dueAt)}  late until ${when(a.lateUntil)}  attempts ${a.maxAttempts ?? "unlimited"}  results ${a.hiddenResults}`).join("\n"));
      }
      return 0;
    });
  },
};
