// Test support: the student module a submission of every exercise's starter or model solution would be.
import { readFileSync } from "node:fs";
import { EXERCISE_IDS } from "../../exercises/types.ts";

export const STUDENT_MODULE_HEADER = 'import * as np from "@autograde/np";\nimport type { NDArray } from "@autograde/np";\n';

export type SnippetKind = "starter" | "solution";

export function snippetModule(kind: SnippetKind): string {
  const snippets = EXERCISE_IDS.map((id) => readFileSync(new URL(`../../exercises/${id}/${kind}.ts`, import.meta.url), "utf8").trim());
  return `${STUDENT_MODULE_HEADER}\n${snippets.join("\n\n")}\n`;
}
