import { z } from "zod";
import { caseReport, exerciseReport, notRunReason, report, type CaseReport, type Report } from "../grader/report.ts";

/**
 * What a student may see: hidden cases reduced to name and outcome, no timings. Messages of hidden
 * cases are replaced because student code can throw or return anything, including its inputs.
 */
// A mistake's hint is the catalogue's text, written on the host: it carries no input or value, so hidden cases keep it.
export const studentCaseReport = caseReport.pick({ name: true, visible: true, outcome: true, message: true, variant: true, printout: true, mistake: true });
export const studentReport = report.omit({ timings: true }).extend({
  exercises: z.array(exerciseReport.extend({ cases: z.array(studentCaseReport) })),
});
export type StudentReport = z.infer<typeof studentReport>;

const HIDDEN_MESSAGES: Record<CaseReport["outcome"], string> = {
  passed: "passed",
  wrong: "wrong answer",
  error: "your code threw an error on this hidden case",
  timeout: "time limit exceeded",
  memory_limit: "memory limit exceeded",
};

export function redactForStudent(full: Report): StudentReport {
  return {
    ...(full.catalogueVersion === undefined ? {} : { catalogueVersion: full.catalogueVersion }),
    score: full.score,
    maxScore: full.maxScore,
    diagnostics: full.diagnostics,
    exercises: full.exercises.map((exercise) => {
      const notRun = notRunReason(exercise);
      return {
        id: exercise.id,
        title: exercise.title,
        score: exercise.score,
        maxScore: exercise.maxScore,
        status: exercise.status,
        ...(exercise.message === undefined ? {} : { message: exercise.message }),
        ...(exercise.mistake === undefined ? {} : { mistake: exercise.mistake }),
        cases: exercise.cases.map((c) => {
          // A case that never ran says so (the host's words), rather than that student code threw.
          if (!c.visible) return { name: c.name, visible: false, outcome: c.outcome, message: notRun ?? HIDDEN_MESSAGES[c.outcome], ...(c.mistake ? { mistake: c.mistake } : {}) };
          const { durationMs: _durationMs, ...visible } = c;
          return visible;
        }),
      };
    }),
  };
}
