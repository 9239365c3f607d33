import { Dolos, File, type Report } from "@dodona/dolos-lib";

export interface SimilarityFile {
  readonly id: string;
  readonly source: string;
}

/** 0-based rows and columns, end column exclusive, as Dolos gives them. */
export interface Span {
  readonly startRow: number;
  readonly startCol: number;
  readonly endRow: number;
  readonly endCol: number;
}

export interface SharedFragment {
  readonly left: Span;
  readonly right: Span;
  /** Length in k-grams (the token windows Dolos matches). */
  readonly kgrams: number;
}

export interface SimilarPair {
  readonly left: string;
  readonly right: string;
  /** Dolos' similarity: shared fingerprints over both files' fingerprints, 0 to 1. */
  readonly similarity: number;
  /** The longest run of shared k-grams. */
  readonly longest: number;
  /** Shared k-grams in all. */
  readonly overlap: number;
  /** The longest shared fragments first; filled for the top pairs only (building them is the costly part). */
  readonly fragments: readonly SharedFragment[];
}

export interface SimilarityResult {
  readonly files: readonly SimilarityFile[];
  /** Ranked: most similar first. */
  readonly pairs: readonly SimilarPair[];
  readonly warnings: readonly string[];
}

export interface SimilarityOptions {
  /** Code every student shares (the starter, a handout): its fingerprints never count as shared. */
  readonly ignore?: readonly string[];
  readonly minSimilarity?: number;
  /**
   * Pairs measured exactly by Dolos, chosen by a cheap first pass (shared fingerprints, Dice). Dolos
   * builds every pair in full otherwise, 1.5 ms each: 20 minutes for a class of 1,000.
   */
  readonly maxPairs?: number;
  /** How many of the top pairs get their fragments. */
  readonly pairsWithFragments?: number;
  readonly fragmentsPerPair?: number;
}

const span = (r: { startRow: number; startCol: number; endRow: number; endCol: number }): Span => ({ startRow: r.startRow, startCol: r.startCol, endRow: r.endRow, endCol: r.endCol });

type Entry = ReturnType<Report["entries"]>[number];

/** The `limit` pairs sharing the most fingerprints that are not in the ignored code, by Dice coefficient. */
function candidatePairs(entries: readonly Entry[], limit: number): [Entry, Entry][] {
  const sets = entries.map((e) => new Set([...e.shared].filter((f) => !f.ignored)));
  const scored: { i: number; j: number; dice: number }[] = [];
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) {
      const a = sets[i] as Set<unknown>;
      const b = sets[j] as Set<unknown>;
      const [small, large] = a.size < b.size ? [a, b] : [b, a];
      let shared = 0;
      for (const f of small) if (large.has(f)) shared++;
      if (shared > 0) scored.push({ i, j, dice: (2 * shared) / (a.size + b.size) });
    }
  }
  scored.sort((x, y) => y.dice - x.dice);
  return scored.slice(0, limit).map(({ i, j }) => [entries[i] as Entry, entries[j] as Entry]);
}

/** Pairs of submissions ranked by Dolos' similarity, with their longest shared fragments. */
export async function findSimilar(files: readonly SimilarityFile[], options: SimilarityOptions = {}): Promise<SimilarityResult> {
  if (files.length < 2) return { files, pairs: [], warnings: files.length === 1 ? ["only one submission: nothing to compare"] : [] };
  const dolos = new Dolos({ language: "typescript" });
  const ignore = options.ignore ?? [];
  const ignored = ignore.length > 0 ? new File("(shared code)", ignore.join("\n\n")) : undefined;
  const report = await dolos.analyze(
    files.map((f) => new File(f.id, f.source)),
    "autograde",
    ignored,
  );
  const minSimilarity = options.minSimilarity ?? 0;
  const ranked = candidatePairs(report.entries(), options.maxPairs ?? 1000)
    .map(([left, right]) => report.getPair(left.file, right.file))
    .filter((p) => p.similarity > 0 && p.similarity >= minSimilarity)
    .sort((a, b) => b.similarity - a.similarity || b.longest - a.longest || a.leftFile.path.localeCompare(b.leftFile.path));
  const withFragments = options.pairsWithFragments ?? 100;
  const perPair = options.fragmentsPerPair ?? 12;
  const pairs = ranked.map((p, index): SimilarPair => {
    const fragments =
      index < withFragments
        ? p
            .buildFragments()
            .sort((a, b) => b.pairs.length - a.pairs.length)
            .slice(0, perPair)
            .map((f) => ({ left: span(f.leftSelection), right: span(f.rightSelection), kgrams: f.pairs.length }))
        : [];
    return { left: p.leftFile.path, right: p.rightFile.path, similarity: p.similarity, longest: p.longest, overlap: p.overlap, fragments };
  });
  return { files, pairs, warnings: report.warnings };
}
