// Builds LMS exports (Canvas, Moodle, Gradescope) from the test corpus, as folders and as zips.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import ts from "typescript";
import { ZipFile } from "yazl";
import { EXERCISE_IDS, exercises, exportNames, solutionModule, starterModule, STUDENT_MODULE_HEADER } from "../exercises/index.ts";
import { RandomState } from "../reference/index.ts";

export interface CorpusStudent {
  readonly login: string;
  readonly fullName: string;
  readonly id: number;
  /** What the student handed in. */
  readonly source: string;
}

const hostile = (file: string) => readFileSync(new URL(`./hostile/${file}`, import.meta.url), "utf8");

/** A small class: a full score, a zero, and three broken submissions from the hostile corpus. */
export function corpusStudents(): CorpusStudent[] {
  return [
    { login: "andersalice", fullName: "Alice Anders", id: 1001, source: solutionModule() },
    { login: "brownbob", fullName: "Bob Brown", id: 1002, source: starterModule() },
    { login: "chencarol", fullName: "Carol Chen", id: 1003, source: hostile("01-syntax-error.ts") },
    { login: "dunndave", fullName: "Dave Dunn", id: 1004, source: hostile("06-module-throws.ts") },
    { login: "evanseve", fullName: "Eve Evans", id: 1005, source: hostile("31-missing-exports.ts") },
  ];
}

/** Maps a path in the export to its content; a Buffer keeps bytes exact. */
export type ExportFiles = Record<string, string | Buffer>;

export function canvasExport(students: readonly CorpusStudent[], lateLogins: ReadonlySet<string> = new Set()): ExportFiles {
  return Object.fromEntries(students.map((s, i) => [`${s.login}_${lateLogins.has(s.login) ? "LATE_" : ""}${s.id}_${9000 + i}_solution.ts`, s.source]));
}

export function moodleExport(students: readonly CorpusStudent[]): ExportFiles {
  const files: ExportFiles = {};
  for (const s of students) files[`${s.fullName}_${s.id}_assignsubmission_file_/solution.ts`] = s.source;
  return files;
}

/** Gradescope's metadata keys are Ruby symbols; the last two students hand in together. */
export function gradescopeExport(students: readonly CorpusStudent[]): ExportFiles {
  const files: ExportFiles = {};
  const yaml: string[] = [];
  const solo = students.slice(0, -2);
  const pair = students.slice(-2);
  const groups = [...solo.map((s) => [s]), pair];
  groups.forEach((members, i) => {
    const folder = `submission_${7000 + i}`;
    const first = members[0] as CorpusStudent;
    files[`${folder}/solution.ts`] = first.source;
    yaml.push(`${folder}:`, "  :submitters:");
    for (const m of members) yaml.push(`  - :name: ${m.fullName}`, `    :sid: '${m.id}'`, `    :email: ${m.login}@example.edu`);
    yaml.push(`  :created_at: 2026-11-0${1 + (i % 9)} 12:00:00.000000000 -07:00`, "  :score: 0.0", "  :status: processed");
  });
  files["submission_metadata.yml"] = `${yaml.join("\n")}\n`;
  return files;
}

export function writeFolder(dir: string, files: ExportFiles): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

export interface ZipExtra {
  readonly path: string;
  readonly content: Buffer;
  readonly mode?: number;
}

/** A zip of the files; `rename` patches entry names after the fact, for names yazl refuses to write (`../x`). */
export function zipBuffer(files: ExportFiles, extras: readonly ZipExtra[] = [], rename: Readonly<Record<string, string>> = {}): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [path, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), path, { mtime: new Date("2026-11-20T10:00:00Z") });
  for (const extra of extras) zip.addBuffer(extra.content, extra.path, { ...(extra.mode !== undefined ? { mode: extra.mode } : {}), compress: true });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on("data", (c: Buffer) => chunks.push(c));
    zip.outputStream.on("error", reject);
    zip.outputStream.on("end", () => {
      let bytes = Buffer.concat(chunks);
      for (const [from, to] of Object.entries(rename)) {
        if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error("a patched name must keep its length");
        bytes = Buffer.from(bytes.toString("latin1").replaceAll(from, to), "latin1");
      }
      resolve(bytes);
    });
  });
}

/** What a hostile archive holds besides the class: every entry here must be refused, none read. */
export function maliciousExtras(): { extras: ZipExtra[]; rename: Record<string, string> } {
  return {
    extras: [
      { path: "zz/zz/escape.ts", content: Buffer.from("export const pwned = 1;\n") },
      { path: "zetc/passwd.ts", content: Buffer.from("export const pwned = 2;\n") },
      // A symbolic link named like a Canvas submission, pointing out of the archive.
      { path: "linkmallory_3001_9901_solution.ts", content: Buffer.from("/etc/passwd"), mode: 0o120777 },
      // 8 MiB of zeros deflate to a few KiB: under the size limit, far over the ratio limit.
      { path: "bombtrudy_3002_9902_solution.ts", content: Buffer.alloc(8 * 1024 * 1024) },
      // Over the 16 MiB limit for one file, whatever its ratio.
      { path: "hugeoscar_3003_9903_solution.ts", content: Buffer.alloc(20 * 1024 * 1024, 0x20) },
    ],
    rename: { "zz/zz/escape.ts": "../../escape.ts", "zetc/passwd.ts": "/etc/passwd.ts" },
  };
}

const KEEP = new Set(["np", "NDArray", "Math", "Number", "Array", "Infinity", "undefined", "console", "Float64Array", "Error"]);

/**
 * The copy a student makes to hide copying: every local name renamed and every comment dropped,
 * the exported names (which the grader needs) and property names kept.
 */
export function renameIdentifiers(source: string, exported: readonly string[]): string {
  const keep = new Set([...KEEP, ...exported]);
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, source);
  const names = new Map<string, string>();
  let out = "";
  let previous = ts.SyntaxKind.Unknown;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const text = scanner.getTokenText();
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) continue;
    if (kind === ts.SyntaxKind.Identifier && previous !== ts.SyntaxKind.DotToken && !keep.has(text)) {
      if (!names.has(text)) names.set(text, `v${names.size}_${text.length}`);
      out += names.get(text);
    } else {
      out += text;
    }
    if (kind !== ts.SyntaxKind.WhitespaceTrivia && kind !== ts.SyntaxKind.NewLineTrivia) previous = kind;
  }
  return out;
}

/** A class in which everyone starts from the same template: each solves a random subset, some rename, some pad. */
export function syntheticClass(n: number, seed = 1): { id: string; source: string }[] {
  const random = new RandomState(seed);
  return Array.from({ length: n }, (_, i) => {
    const snippets = exercises.map((e) => (random.randint(0, 100) < 70 ? e.solution : e.starter).trim());
    const padded = snippets.map((s, k) => (random.randint(0, 100) < 30 ? `${s}\n\nconst note_${i}_${k} = ${k} * ${i};` : s));
    const module = `${STUDENT_MODULE_HEADER}\n${padded.join("\n\n")}\n`;
    return { id: `student-${String(i).padStart(4, "0")}`, source: random.randint(0, 100) < 30 ? renameIdentifiers(module, EXERCISE_IDS.flatMap((id) => exportNames(id))) : module };
  });
}
