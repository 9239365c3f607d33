// What the job runner tells grade passback after each stored grading. Its own module, so the job
// runner (server/queue/run-job.ts) and the LTI score publisher (server/lti/publisher.ts) both
// depend on it rather than one on the other.

/** What grade passback needs of a stored grading; a SubmissionRecord is one. */
export interface StoredGrading {
  readonly id: string;
  readonly student: string;
  readonly latest: { readonly attempt: number; readonly status: "graded" | "error" } | null;
}

/** Told of every stored grading: LTI grade passback publishes for students launched from an LMS. */
export interface ScoreSink {
  gradingStored(grading: StoredGrading): void;
}

/**
 * Told when recomputation (a changed deadline, penalty or extension) changed stored scores, so
 * grade passback sends the student's new score without a regrade.
 */
export interface RescoreSink {
  rescored(change: { readonly course: string; readonly assignment: string; readonly student: string; readonly submissionId: string }): void;
}
