import { parse as parseYaml } from "yaml";
import { isNoise, type BatchEntry } from "./entries.ts";
import { unsafeName } from "./zip.ts";

export const BATCH_LAYOUTS = ["canvas", "moodle", "gradescope", "plain"] as const;
export type BatchLayout = (typeof BATCH_LAYOUTS)[number];

export function isBatchLayout(s: string): s is BatchLayout {
  return (BATCH_LAYOUTS as readonly string[]).includes(s);
}

export type SubmissionSource =
  | { readonly kind: "source"; readonly path: string; readonly bytes: Buffer; readonly mtimeMs?: number }
  | { readonly kind: "unreadable"; readonly reason: string };

export interface BatchSubmission {
  /** Unique in the batch and the same on every run over it: the journal's key. */
  readonly key: string;
  /** Everyone the grade goes to (a Gradescope group has several). */
  readonly students: readonly string[];
  readonly source: SubmissionSource;
  /** Known only where the export says so (Canvas marks late files LATE). */
  readonly late?: boolean;
  /** As the export gives it (Gradescope's metadata). */
  readonly submittedAt?: string;
}

export interface BatchPlan {
  readonly layout: BatchLayout;
  readonly submissions: readonly BatchSubmission[];
  /** Entries that belong to no submission: an escaping path, a stray file. */
  readonly stray: readonly { readonly path: string; readonly reason: string }[];
}

const CANVAS_FILE = /^([^_/]+)_(LATE_)?(\d+)_(\d+)_(.+)$/;
const MOODLE_FOLDER = /^(.+)_(\d+)_assign(submission|feedback)_[a-z]+_?$/;
const MOODLE_FILE = /^(.+)_(\d+)_assignsubmission_file_(.+)$/;
const GRADESCOPE_FOLDER = /^submission_(\d+)$/;
const METADATA = "submission_metadata.yml";
/** When a student's folder holds several modules, the one graded is the first of these that is there. */
const PREFERRED_MODULES = ["solution.ts", "submission.ts", "index.ts", "main.ts"];

type Group = { key: string; students: string[]; entries: BatchEntry[]; late?: boolean; submittedAt?: string };

const head = (path: string) => path.split("/")[0] ?? path;
const rest = (path: string) => path.slice(path.indexOf("/") + 1);
const isModule = (path: string) => path.endsWith(".ts") && !path.endsWith(".d.ts");

/** An export zipped with its folder (`submissions/…`) is read as that folder's contents. */
function stripSingleRoot(entries: readonly BatchEntry[]): BatchEntry[] {
  if (entries.length === 0 || entries.some((e) => !e.path.includes("/"))) return [...entries];
  const roots = new Set(entries.map((e) => head(e.path)));
  const [root] = roots;
  if (roots.size !== 1 || root === undefined || MOODLE_FOLDER.test(root) || GRADESCOPE_FOLDER.test(root)) return [...entries];
  return entries.map((e) => ({ ...e, path: rest(e.path) }));
}

export function detectLayout(entries: readonly BatchEntry[]): BatchLayout {
  const top = entries.map((e) => ({ e, dir: e.path.includes("/") ? head(e.path) : undefined }));
  if (entries.some((e) => e.path === METADATA)) return "gradescope";
  const rootModules = top.filter((t) => t.dir === undefined && isModule(t.e.path)).map((t) => t.e.path);
  const dirs = [...new Set(top.flatMap((t) => (t.dir === undefined ? [] : [t.dir])))];
  const moodleNames = [...dirs, ...rootModules];
  if (moodleNames.length > 0 && moodleNames.every((n) => MOODLE_FOLDER.test(n) || MOODLE_FILE.test(n))) return "moodle";
  if (rootModules.length > 0 && dirs.length === 0 && rootModules.every((n) => CANVAS_FILE.test(n))) return "canvas";
  return "plain";
}

function add(groups: Map<string, Group>, key: string, init: Omit<Group, "entries">, entry: BatchEntry) {
  const group = groups.get(key) ?? { ...init, entries: [] };
  // One LATE file marks the whole submission late.
  if (init.late === true) group.late = true;
  group.entries.push(entry);
  groups.set(key, group);
}

function groupCanvas(entries: readonly BatchEntry[], stray: BatchPlan["stray"][number][]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const entry of entries) {
    const m = CANVAS_FILE.exec(entry.path);
    if (m === null || entry.path.includes("/")) {
      if (entry.kind !== "unread") stray.push({ path: entry.path, reason: "not named login_userid_submissionid_file as Canvas names them" });
      continue;
    }
    const [, login = "", late, userId = ""] = m;
    add(groups, `${login}_${userId}`, { key: `${login}_${userId}`, students: [login], late: late !== undefined }, entry);
  }
  return groups;
}

function groupMoodle(entries: readonly BatchEntry[], stray: BatchPlan["stray"][number][]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const entry of entries) {
    const folder = entry.path.includes("/") ? MOODLE_FOLDER.exec(head(entry.path)) : MOODLE_FILE.exec(entry.path);
    if (folder === null) {
      if (entry.kind !== "unread") stray.push({ path: entry.path, reason: "not in a Moodle submission folder (Full Name_id_assignsubmission_file_)" });
      continue;
    }
    const [, name = "", id = "", kind] = folder;
    if (entry.path.includes("/") && kind === "feedback") continue;
    add(groups, `${name}_${id}`, { key: `${name}_${id}`, students: [name] }, entry);
  }
  return groups;
}

interface GradescopeSubmitter {
  students: string[];
  submittedAt?: string;
}

/** Gradescope writes Ruby symbols as keys (`:submitters:`); read with or without the colon. */
function field(record: unknown, name: string): unknown {
  if (typeof record !== "object" || record === null) return undefined;
  const r = record as Record<string, unknown>;
  return r[`:${name}`] ?? r[name];
}

export function parseGradescopeMetadata(text: string): Map<string, GradescopeSubmitter> {
  const parsed: unknown = parseYaml(text, { maxAliasCount: 100 });
  const out = new Map<string, GradescopeSubmitter>();
  if (typeof parsed !== "object" || parsed === null) return out;
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const submitters = field(value, "submitters");
    const students = (Array.isArray(submitters) ? submitters : [])
      .map((s) => field(s, "email") ?? field(s, "sid") ?? field(s, "name"))
      .filter((s): s is string | number => typeof s === "string" || typeof s === "number")
      .map(String);
    const created = field(value, "created_at");
    const submittedAt = created instanceof Date ? created.toISOString() : typeof created === "string" ? created : undefined;
    out.set(key, { students, ...(submittedAt !== undefined ? { submittedAt } : {}) });
  }
  return out;
}

function groupGradescope(entries: readonly BatchEntry[], stray: BatchPlan["stray"][number][]): Map<string, Group> {
  const metadataEntry = entries.find((e) => e.path === METADATA);
  let metadata = new Map<string, GradescopeSubmitter>();
  if (metadataEntry?.kind === "file") {
    try {
      metadata = parseGradescopeMetadata(metadataEntry.bytes.toString("utf8"));
    } catch (error) {
      stray.push({ path: METADATA, reason: `cannot be parsed, so submitters are named by folder: ${(error as Error).message.split("\n")[0]}` });
    }
  } else if (metadataEntry?.kind === "refused") {
    stray.push({ path: METADATA, reason: metadataEntry.reason });
  }
  const groups = new Map<string, Group>();
  for (const entry of entries) {
    if (entry.path === METADATA) continue;
    const folder = entry.path.includes("/") ? head(entry.path) : undefined;
    if (folder === undefined || !GRADESCOPE_FOLDER.test(folder)) {
      if (entry.kind !== "unread") stray.push({ path: entry.path, reason: "not in a submission_<id> folder" });
      continue;
    }
    const meta = metadata.get(folder);
    const students = meta !== undefined && meta.students.length > 0 ? meta.students : [folder];
    add(groups, folder, { key: folder, students, ...(meta?.submittedAt !== undefined ? { submittedAt: meta.submittedAt } : {}) }, entry);
  }
  return groups;
}

function groupPlain(entries: readonly BatchEntry[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const entry of entries) {
    const student = entry.path.includes("/") ? head(entry.path) : entry.path.replace(/\.ts$/, "");
    if (!entry.path.includes("/") && !isModule(entry.path)) continue;
    add(groups, student, { key: student, students: [student] }, entry);
  }
  return groups;
}

/** The one module of a submission, or why there is none to grade. */
function pickModule(entries: readonly BatchEntry[]): SubmissionSource {
  const modules = entries.filter((e) => isModule(e.path) && e.kind !== "unread");
  const files = modules.filter((e): e is Extract<BatchEntry, { kind: "file" }> => e.kind === "file");
  const refused = modules.filter((e): e is Extract<BatchEntry, { kind: "refused" }> => e.kind === "refused");
  const baseName = (p: string) => p.slice(p.lastIndexOf("/") + 1);
  let chosen = files.length === 1 ? files[0] : undefined;
  if (files.length > 1) {
    // Canvas prefixes every file and adds -1, -2 for resubmissions: compare what the student named it.
    const named = (e: BatchEntry) => baseName(e.path).replace(CANVAS_FILE, "$5").replace(/-\d+\.ts$/, ".ts");
    for (const preferred of PREFERRED_MODULES) {
      chosen ??= files.find((e) => named(e) === preferred);
    }
  }
  if (chosen !== undefined) return { kind: "source", path: chosen.path, bytes: chosen.bytes, ...(chosen.mtimeMs !== undefined ? { mtimeMs: chosen.mtimeMs } : {}) };
  if (files.length > 1) {
    return { kind: "unreadable", reason: `${files.length} .ts files (${files.map((e) => baseName(e.path)).join(", ")}) and none named ${PREFERRED_MODULES.join(" or ")}` };
  }
  if (refused.length > 0) return { kind: "unreadable", reason: refused.map((e) => `${e.path}: ${e.reason}`).join("; ") };
  return { kind: "unreadable", reason: "no .ts file" };
}

/** Reads the export's layout (given or detected) into one submission per student or group. */
export function planBatch(all: readonly BatchEntry[], layout?: BatchLayout): BatchPlan {
  const stray: BatchPlan["stray"][number][] = [];
  const safe: BatchEntry[] = [];
  for (const entry of all) {
    if (isNoise(entry.path)) continue;
    const unsafe = unsafeName(entry.path);
    if (unsafe !== undefined) stray.push({ path: entry.path, reason: entry.kind === "refused" ? entry.reason : unsafe });
    else safe.push(entry);
  }
  const entries = stripSingleRoot(safe);
  const chosen = layout ?? detectLayout(entries);
  const groups =
    chosen === "canvas" ? groupCanvas(entries, stray) : chosen === "moodle" ? groupMoodle(entries, stray) : chosen === "gradescope" ? groupGradescope(entries, stray) : groupPlain(entries);
  const submissions = [...groups.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((g) => ({
      key: g.key,
      students: g.students,
      source: pickModule(g.entries),
      ...(g.late !== undefined ? { late: g.late } : {}),
      ...(g.submittedAt !== undefined ? { submittedAt: g.submittedAt } : {}),
    }));
  return { layout: chosen, submissions, stray };
}
