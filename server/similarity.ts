import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { starterModule } from "../exercises/index.ts";
import { clipText } from "../grader/clip.ts";
import type { SimilarityFile, SimilarityOptions, SimilarityResult, SimilarPair, Span } from "../grader/similarity/similarity.ts";
import { findSimilarOnThread } from "../grader/similarity/similarity-thread.ts";
import { SIMILARITY_NOTICE, type SimilarityComputing, type SimilarityPairBody, type SimilarityReady } from "./similarity-schemas.ts";
import type { CourseStorage } from "./storage/course-types.ts";
import type { SubmissionStorage } from "./storage/types.ts";

/** Fragments are built (the costly part) for this many of the top pairs, and this many per pair. */
const PAIRS_WITH_FRAGMENTS = 20;
const FRAGMENTS_PER_PAIR = 8;
/** An excerpt is for recognising the fragment; the full source is one GET /v1/submissions/:id away. */
const MAX_EXCERPT_CHARS = 400;

export type SimilarityCompute = (files: readonly SimilarityFile[], options: SimilarityOptions, signal: AbortSignal) => Promise<SimilarityResult>;

export interface SimilarityServiceDeps {
  readonly storage: Pick<CourseStorage, "listAssignmentSubmissions"> & Pick<SubmissionStorage, "getSource">;
  readonly log: Logger;
  /** A comparison running longer than this fails (and the next request tries again). */
  readonly timeoutMs: number;
  /** Pairs in a JSON answer, most similar first; CSV has every pair. */
  readonly maxPairs: number;
  /** Default: Dolos on a worker thread of its own. */
  readonly compute?: SimilarityCompute;
  readonly now?: () => number;
}

/** One student's latest submission to the assignment. */
export interface Latest {
  readonly student: string;
  readonly submissionId: string;
}

/** A finished comparison, kept without the sources: the HTML report reads them again. */
export interface SimilaritySnapshot {
  readonly key: string;
  readonly computedAt: number;
  readonly latest: readonly Latest[];
  /** Every pair sharing code, ranked; fragments on the top ones. */
  readonly pairs: readonly SimilarPair[];
  /** The JSON answer's pairs: the top `maxPairs`, with clipped excerpts. */
  readonly top: readonly SimilarityPairBody[];
  readonly warnings: readonly string[];
}

export type SimilarityAnswer =
  | { readonly kind: "computing"; readonly body: SimilarityComputing }
  | { readonly kind: "ready"; readonly body: SimilarityReady; readonly snapshot: SimilaritySnapshot }
  | { readonly kind: "failed"; readonly message: string };

interface Running {
  readonly key: string;
  readonly startedAt: number;
  readonly submissions: number;
  readonly done: Promise<void>;
}

interface Entry {
  ready?: SimilaritySnapshot;
  running?: Running;
  failed?: { readonly key: string; readonly message: string };
}

export interface SimilarityService {
  /** The assignment's ranking if it is ready (starting a newer one when students submitted since), or that it is being computed. */
  get(course: string, assignment: string): Promise<SimilarityAnswer>;
  /** The sources of a snapshot's submissions, by student, for the HTML report. */
  sources(snapshot: SimilaritySnapshot, students: ReadonlySet<string>): Promise<SimilarityFile[]>;
  /** Ends running comparisons and waits for them to settle. */
  close(): Promise<void>;
}

/** The text a span covers (Dolos' 0-based rows, end column exclusive), clipped. */
export function excerpt(source: string, s: Span): string {
  const lines = source.split(/\r?\n/).slice(s.startRow, s.endRow + 1);
  if (lines.length === 0) return "";
  const last = lines.length - 1;
  lines[last] = (lines[last] as string).slice(0, s.endCol);
  lines[0] = (lines[0] as string).slice(s.startCol);
  return clipText(lines.join("\n"), MAX_EXCERPT_CHARS);
}

/** Each student's latest submission; staff's own test submissions are not compared. */
export function latestOfStudents(submissions: Awaited<ReturnType<CourseStorage["listAssignmentSubmissions"]>>): Latest[] {
  const latest = new Map<string, Latest>();
  // Oldest first, so the last one seen per student is their latest.
  for (const s of submissions) {
    if (s.submitterRole === "instructor" || s.submitterRole === "ta") continue;
    latest.set(s.student, { student: s.student, submissionId: s.id });
  }
  return [...latest.values()].sort((a, b) => (a.student < b.student ? -1 : a.student > b.student ? 1 : 0));
}

/** The sources of those submissions, each under its student's name; a submission without a source is left out. */
export async function latestSources(storage: Pick<SubmissionStorage, "getSource">, latest: readonly Latest[], signal?: AbortSignal): Promise<SimilarityFile[]> {
  const files: SimilarityFile[] = [];
  for (const l of latest) {
    if (signal?.aborted) throw new Error("similarity was cancelled");
    const source = await storage.getSource(l.submissionId);
    if (source !== null) files.push({ id: l.student, source });
  }
  return files;
}

const keyOf = (latest: readonly Latest[]) => createHash("sha256").update(latest.map((l) => l.submissionId).sort().join("\n")).digest("hex");

/**
 * Similarity between the students of one assignment, computed in the background (Dolos takes
 * about a second for 50 submissions) and kept per assignment until a student submits again: the
 * cache key is the set of latest submission ids. One comparison per assignment runs at a time, so
 * the same key is never computed twice at once; across assignments they queue, one thread at a
 * time. The cache is this process's: with several api
 * nodes, each computes its own.
 */
export function createSimilarityService(deps: SimilarityServiceDeps): SimilarityService {
  const { storage, log } = deps;
  const now = deps.now ?? Date.now;
  const compute: SimilarityCompute = deps.compute ?? ((files, options, signal) => findSimilarOnThread(files, options, { timeoutMs: deps.timeoutMs, signal }));
  const entries = new Map<string, Entry>();
  const closing = new AbortController();
  /** Comparisons run one after another, across assignments too (see grader/similarity/similarity-thread.ts). */
  let queue: Promise<unknown> = Promise.resolve();

  const readFiles = (latest: readonly Latest[]) => latestSources(storage, latest, closing.signal);

  function snapshotOf(key: string, latest: readonly Latest[], files: readonly SimilarityFile[], result: SimilarityResult): SimilaritySnapshot {
    const sources = new Map(files.map((f) => [f.id, f.source]));
    const ids = new Map(latest.map((l) => [l.student, l.submissionId]));
    const top = result.pairs.slice(0, deps.maxPairs).map((p): SimilarityPairBody => ({
      left: p.left,
      right: p.right,
      leftSubmission: ids.get(p.left) ?? "",
      rightSubmission: ids.get(p.right) ?? "",
      similarity: p.similarity,
      longest: p.longest,
      overlap: p.overlap,
      fragments: p.fragments.map((f) => ({
        left: f.left,
        right: f.right,
        kgrams: f.kgrams,
        leftExcerpt: excerpt(sources.get(p.left) ?? "", f.left),
        rightExcerpt: excerpt(sources.get(p.right) ?? "", f.right),
      })),
    }));
    return { key, computedAt: now(), latest, pairs: result.pairs, top, warnings: result.warnings };
  }

  function start(entry: Entry, course: string, assignment: string, key: string, latest: readonly Latest[]): Running {
    const startedAt = now();
    const work = queue.then(async () => {
      const files = await readFiles(latest);
      const started = performance.now();
      const result = await compute(files, { ignore: [starterModule()], pairsWithFragments: PAIRS_WITH_FRAGMENTS, fragmentsPerPair: FRAGMENTS_PER_PAIR }, closing.signal);
      log.info({ course, assignment, submissions: files.length, pairs: result.pairs.length, ms: Math.round(performance.now() - started) }, "similarity computed");
      return snapshotOf(key, latest, files, result);
    });
    queue = work.catch(() => {});
    const done = work.then(
      (snapshot) => {
        entry.ready = snapshot;
        entry.failed = undefined;
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (!closing.signal.aborted) log.error({ course, assignment, err: message }, "similarity failed");
        entry.failed = { key, message };
      },
    ).finally(() => {
      entry.running = undefined;
    });
    const running = { key, startedAt, submissions: latest.length, done };
    entry.running = running;
    return running;
  }

  const common = (course: string, assignment: string) => ({ course, assignment, notice: SIMILARITY_NOTICE });

  return {
    async get(course, assignment) {
      const latest = latestOfStudents(await storage.listAssignmentSubmissions(course, assignment));
      const key = keyOf(latest);
      const name = `${course}\u0000${assignment}`;
      const entry = entries.get(name) ?? {};
      entries.set(name, entry);
      const { ready, failed } = entry;
      let failure: string | null = null;
      if (entry.running === undefined && !closing.signal.aborted) {
        // A failure is told once; the request after it tries again.
        if (failed?.key === key) {
          entry.failed = undefined;
          failure = failed.message;
        } else if (ready?.key !== key) start(entry, course, assignment, key, latest);
      }
      if (ready) {
        const stale = ready.key !== key;
        return {
          kind: "ready",
          snapshot: ready,
          body: {
            ...common(course, assignment),
            status: "ready",
            computedAt: new Date(ready.computedAt).toISOString(),
            submissions: ready.latest.length,
            stale,
            recomputing: stale && entry.running !== undefined,
            totalPairs: ready.pairs.length,
            pairs: [...ready.top],
            warnings: [...ready.warnings],
          },
        };
      }
      if (failure !== null) return { kind: "failed", message: failure };
      const running = entry.running as Running | undefined;
      return {
        kind: "computing",
        body: {
          ...common(course, assignment),
          status: "computing",
          submissions: running?.submissions ?? latest.length,
          startedAt: new Date(running?.startedAt ?? now()).toISOString(),
        },
      };
    },
    async sources(snapshot, students) {
      return readFiles(snapshot.latest.filter((l) => students.has(l.student)));
    },
    async close() {
      closing.abort();
      await Promise.all([...entries.values()].flatMap((e) => (e.running ? [e.running.done] : [])));
    },
  };
}
