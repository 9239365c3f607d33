import { z } from "zod";

export const SIMILARITY_NOTICE = "Similarity is evidence for a person to judge, not a verdict." as const;

export const similarityQuery = z.object({
  course: z.string().min(1).max(200),
  assignment: z.string().min(1).max(200),
  format: z.enum(["json", "csv", "html"]).optional().describe("json (default); csv: the ranked table; html: the self-contained report autograde similarity writes"),
});

/** 0-based rows and columns, end column exclusive, as Dolos gives them. */
const span = z.object({ startRow: z.number().int(), startCol: z.number().int(), endRow: z.number().int(), endCol: z.number().int() });

const fragment = z.object({
  left: span,
  right: span,
  kgrams: z.number().int().describe("length in k-grams, the token windows Dolos matches"),
  leftExcerpt: z.string().describe("the fragment's text in the left source, clipped"),
  rightExcerpt: z.string().describe("the fragment's text in the right source, clipped"),
});

const pair = z.object({
  left: z.string().describe("student"),
  right: z.string().describe("student"),
  leftSubmission: z.string().describe("the left student's latest submission id"),
  rightSubmission: z.string(),
  similarity: z.number().describe("shared fingerprints over both files' fingerprints, 0 to 1"),
  longest: z.number().int().describe("the longest run of shared k-grams"),
  overlap: z.number().int().describe("shared k-grams in all"),
  fragments: z.array(fragment).describe("the longest shared fragments first; only the top pairs have them"),
});
export type SimilarityPairBody = z.infer<typeof pair>;

const common = {
  course: z.string(),
  assignment: z.string(),
  notice: z.literal(SIMILARITY_NOTICE),
};

export const similarityComputing = z.object({
  ...common,
  status: z.literal("computing"),
  submissions: z.number().int().describe("students whose latest submissions are being compared"),
  startedAt: z.iso.datetime(),
});
export type SimilarityComputing = z.infer<typeof similarityComputing>;

export const similarityReady = z.object({
  ...common,
  status: z.literal("ready"),
  computedAt: z.iso.datetime(),
  submissions: z.number().int().describe("students whose latest submissions were compared"),
  stale: z.boolean().describe("a student submitted since: these pairs are of older submissions"),
  recomputing: z.boolean().describe("a newer comparison is running; ask again for it"),
  totalPairs: z.number().int().describe("pairs sharing code; `pairs` holds the top ones"),
  pairs: z.array(pair),
  warnings: z.array(z.string()),
});
export type SimilarityReady = z.infer<typeof similarityReady>;
