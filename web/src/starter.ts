/** Mirrors exercises' STUDENT_MODULE_HEADER: the page must not bundle the catalogue (it holds solutions). */
export const STUDENT_MODULE_HEADER = 'import * as np from "@autograde/np";\nimport type { NDArray } from "@autograde/np";\n';

/** One module holding every exercise's starter snippet, in course order, as the student edits it. */
export function assembleStarterModule(snippets: readonly string[]): string {
  return `${STUDENT_MODULE_HEADER}\n${snippets.map((s) => s.trim()).join("\n\n")}\n`;
}
