import type { Logger } from "pino";
import type { Exercise, ExerciseId } from "../../exercises/types.ts";
import type { LtiLineItemLink, LtiPublicationRecord, LtiStorage } from "../storage/lti-types.ts";
import { createBackgroundWork } from "../background.ts";
import type { RescoreSink, StoredGrading } from "../score-sink.ts";
import { assignmentGradebook } from "../scoring.ts";
import { DEFAULT_ASSIGNMENT, DEFAULT_COURSE, type AssignmentRecord, type CourseStorage } from "../storage/course-types.ts";
import type { SubmissionStorage } from "../storage/types.ts";
import { createAgsClient, type AgsClient } from "./ags.ts";
import type { ToolKeys } from "./tool-keys.ts";

export type ScorePolicy = "best" | "latest";

export interface ScorePublisherConfig {
  readonly ltiScorePolicy: ScorePolicy;
  readonly ltiPublishMaxAttempts: number;
  readonly ltiPublishInitialBackoffMs: number;
}

/** Thrown out of the AGS client's backoff when the process stops: the publication stays pending. */
class Abandoned extends Error {}

/**
 * After each stored grading, sends the student's score to every LMS line item they launched from
 * (AGS). Each publication is a row: pending before the first request, then published or failed
 * with its attempts, so staff can see what reached the gradebook. A publication interrupted by a
 * shutdown stays pending and is sent again by `resumePending` at the next start.
 */
export function createScorePublisher({ storage, signer, exercises, config, log, fetchImpl, now = Date.now }: {
  storage: Pick<SubmissionStorage, "getSubmission"> & Pick<CourseStorage, "getAssignment" | "assignmentCells" | "assignmentForResourceLink"> & LtiStorage;
  signer: Pick<ToolKeys, "sign">;
  exercises: readonly Exercise[];
  config: ScorePublisherConfig;
  log: Logger;
  fetchImpl?: typeof fetch;
  now?: () => number;
}) {
  const work = createBackgroundWork(log);
  const sleep = async (ms: number): Promise<void> => {
    if (!(await work.sleep(ms))) throw new Abandoned();
  };
  const ags: AgsClient = createAgsClient({
    toolKeys: signer,
    now,
    sleep,
    maxAttempts: config.ltiPublishMaxAttempts,
    initialBackoffMs: config.ltiPublishInitialBackoffMs,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });

  /**
   * What a line item grades: the assignment its resource link was mapped to (deep linking), or,
   * for a link from before courses, `default`'s at the link's exercises and AUTOGRADE_LTI_SCORE_POLICY.
   */
  async function assignmentOf(link: LtiLineItemLink): Promise<AssignmentRecord | null> {
    if (link.resourceLinkId !== null) {
      const registration = await storage.getLtiRegistration(link.registrationId);
      const mapped = registration ? await storage.assignmentForResourceLink(registration.issuer, link.resourceLinkId) : null;
      if (mapped) return storage.getAssignment(mapped.course, mapped.assignment);
    }
    const fallback = await storage.getAssignment(DEFAULT_COURSE, DEFAULT_ASSIGNMENT);
    if (!fallback) return null;
    const ids: readonly ExerciseId[] | null = link.exercises ?? fallback.exercises;
    return { ...fallback, exercises: ids, scorePolicy: config.ltiScorePolicy };
  }

  /** The student's score for the assignment as its gradebook counts it: late penalties applied, per its score policy. */
  async function scoreOf(assignment: AssignmentRecord, student: string): Promise<{ scoreGiven: number; scoreMaximum: number }> {
    const book = assignmentGradebook(assignment, exercises, await storage.assignmentCells(assignment.course, assignment.id, student));
    return { scoreGiven: book.students.find((s) => s.student === student)?.total ?? 0, scoreMaximum: book.maxTotal };
  }

  async function send(publication: LtiPublicationRecord, platformUserId: string): Promise<void> {
    const plog = log.child({ publicationId: publication.id, student: publication.student, lineItem: publication.lineItemUrl });
    const registration = await storage.getLtiRegistration(publication.registrationId);
    if (!registration) {
      await storage.updateLtiPublication(publication.id, { state: "failed", attempts: 0, statusCode: null, error: "the platform registration was removed", now: now() });
      return;
    }
    let result;
    try {
      result = await ags.publishScore({
        registration,
        lineItemUrl: publication.lineItemUrl,
        userId: platformUserId,
        scoreGiven: publication.scoreGiven,
        scoreMaximum: publication.scoreMaximum,
        timestamp: publication.createdAt,
      });
    } catch (err) {
      if (err instanceof Abandoned) return;
      throw err;
    }
    const update = result.ok
      ? { state: "published" as const, attempts: result.attempts, statusCode: result.status, error: null, now: now() }
      : { state: "failed" as const, attempts: result.attempts, statusCode: result.status ?? null, error: result.message, now: now() };
    await storage.updateLtiPublication(publication.id, update);
    if (result.ok) plog.info({ score: publication.scoreGiven, attempts: result.attempts }, "score published to the LMS");
    else plog.warn({ status: result.status, attempts: result.attempts, error: result.message }, "score publication failed");
  }

  async function publishFor(submissionId: string, student: string, gradingAttempt: number, only?: { course: string; assignment: string }): Promise<void> {
    const links = await storage.listLtiLineItems(student);
    for (const link of links) {
      // Stopping: the remaining links get their publication from the next grading, not a late request now.
      if (work.stopping()) return;
      const assignment = await assignmentOf(link);
      if (!assignment || (only && (assignment.course !== only.course || assignment.id !== only.assignment))) continue;
      const { scoreGiven, scoreMaximum } = await scoreOf(assignment, student);
      if (scoreMaximum <= 0) continue;
      const publication = await storage.createLtiPublication({
        student,
        registrationId: link.registrationId,
        lineItemUrl: link.lineItemUrl,
        submissionId,
        gradingAttempt,
        scoreGiven,
        scoreMaximum,
        createdAt: now(),
      });
      await send(publication, link.platformUserId);
    }
  }

  const rescored: RescoreSink["rescored"] = ({ course, assignment, student, submissionId }) => {
    if (work.stopping()) return;
    work.run((async () => {
      const record = await storage.getSubmission(submissionId);
      if (record?.latest?.status === "graded") await publishFor(submissionId, student, record.latest.attempt, { course, assignment });
    })(), "score re-publication crashed", { submissionId });
  };

  return {
    /** Recomputed penalties changed the student's score: publish it again to the line items of that assignment. */
    rescored,
    /** A grading was stored: publish for each of the student's line items (in the background). */
    gradingStored({ id, student, latest }: StoredGrading): void {
      if (work.stopping() || latest?.status !== "graded") return;
      work.run(publishFor(id, student, latest.attempt), "score publication crashed", { submissionId: id });
    },
    /**
     * Sends again the publications a stopped process left pending. Only those older than
     * `olderThanMs` are taken, so another live process's publications in flight are left to it.
     */
    async resumePending(olderThanMs: number): Promise<number> {
      const pending = await storage.listLtiPublications({ state: "pending", limit: 1000 });
      let resumed = 0;
      for (const publication of pending) {
        if (now() - publication.updatedAt < olderThanMs) continue;
        const link = (await storage.listLtiLineItems(publication.student)).find((l) => l.lineItemUrl === publication.lineItemUrl);
        if (!link) {
          await storage.updateLtiPublication(publication.id, { state: "failed", attempts: publication.attempts, statusCode: null, error: "the line item link no longer exists", now: now() });
          continue;
        }
        work.run(send(publication, link.platformUserId), "score publication crashed", { publicationId: publication.id });
        resumed++;
      }
      return resumed;
    },
    /** Abandons backoffs in progress (those publications stay pending) and waits for the rest. */
    stop: work.stop,
    idle: work.idle,
  };
}
export type ScorePublisher = ReturnType<typeof createScorePublisher>;
