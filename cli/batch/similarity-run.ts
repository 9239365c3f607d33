import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { starterModule } from "../../exercises/index.ts";
import { UsageError } from "../usage.ts";
import type { BatchPlan } from "./layouts.ts";
import { decodeSubmission } from "./run.ts";
import { findSimilar, type SimilarityFile, type SimilarityResult } from "../../grader/similarity/similarity.ts";
import { similarityCsv } from "../../grader/similarity/similarity-csv.ts";
import { similarityHtml } from "../../grader/similarity/similarity-html.ts";

/** The readable submissions of a plan, each under the name(s) of its student(s). */
export function similarityFiles(plan: BatchPlan, maxSourceBytes: number): SimilarityFile[] {
  return plan.submissions.flatMap((s) => {
    const decoded = decodeSubmission(s, maxSourceBytes);
    return decoded.kind === "text" ? [{ id: s.students.join(", "), source: decoded.text }] : [];
  });
}

/** The starter module every student starts from, plus each --ignore file. */
export async function sharedCode(command: string, ignoreFiles: readonly string[]): Promise<string[]> {
  const shared = [starterModule()];
  for (const file of ignoreFiles) {
    try {
      shared.push(await readFile(file, "utf8"));
    } catch (error) {
      throw new UsageError(`${command}: cannot read --ignore ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return shared;
}

export async function writeSimilarity(outDir: string, result: SimilarityResult, now: Date): Promise<string[]> {
  const csv = join(outDir, "similarity.csv");
  const html = join(outDir, "similarity.html");
  await writeFile(csv, similarityCsv(result));
  await writeFile(html, similarityHtml(result, { generatedAt: now }));
  return [csv, html];
}

export async function runSimilarity(files: readonly SimilarityFile[], shared: readonly string[], outDir: string, now: Date) {
  const result = await findSimilar(files, { ignore: shared });
  return { result, written: await writeSimilarity(outDir, result, now) };
}
