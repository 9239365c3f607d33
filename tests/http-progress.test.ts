import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getExercise, solutionModule } from "../exercises/index.ts";
import { fakeReport, startCourseApp } from "./helpers/course-app.ts";
import { client, KEYS, startServerProcess, stopProcesses, tempStore, type ServerProcess, type TempStore } from "./helpers/server.ts";

/**
 * Two exercises the model solution passes at once, then one that loops until every case hits its
 * time limit: the sandbox runs them in course order, so while the loop runs the first two are graded.
 */
const EXERCISES = ["zero_pad", "convolve_window", "pool_backward"] as const;
const SOURCE = `${solutionModule(["zero_pad", "convolve_window"])}
export function pool_backward(dA: unknown, cache: unknown, mode: unknown): unknown {
  for (;;) {
    // Spins until the case's time limit.
  }
}
`;

interface ExerciseProgress {
  id: string;
  state: "waiting" | "running" | "graded";
  score?: number;
  maxScore: number;
}

const modes = [
  { name: "SQLite, one process", storage: "sqlite" as const, separateWorker: false },
  { name: "PostgreSQL, an api process and a separate worker process", storage: "postgres" as const, separateWorker: true },
];

describe.each(modes)("grading progress over HTTP: $name", ({ storage, separateWorker }) => {
  let store: TempStore;
  const processes: ServerProcess[] = [];
  // Each case of the looping exercise runs to its limit; the exercise's deadline keeps the suite short.
  const env = { AUTOGRADE_EXERCISE_DEADLINE_MS: "5000" };
  beforeAll(async () => {
    store = await tempStore(storage);
    if (separateWorker) {
      processes.push(await startServerProcess(store.dir, { ...store.env, ...env, AUTOGRADE_ROLE: "api" }));
      processes.push(await startServerProcess(store.dir, { ...store.env, ...env, AUTOGRADE_ROLE: "worker" }, { ready: "worker" }));
    } else {
      processes.push(await startServerProcess(store.dir, { ...store.env, ...env }));
    }
  });
  afterAll(async () => {
    await stopProcesses(processes);
    await store?.remove();
  });
  const alice = client(() => processes[0]!.url, KEYS.alice);

  it("shows the finished exercises graded while the looping one is not, then the final report without progress", async () => {
    const posted = await alice.post("/v1/submissions", { source: SOURCE, exercises: EXERCISES });
    expect(posted.status).toBe(202);
    const maxScores = { zero_pad: getExercise("zero_pad").points, convolve_window: getExercise("convolve_window").points, pool_backward: getExercise("pool_backward").points };
    // Nothing has started yet, or the worker was quicker than the response: either way every exercise is listed with its points.
    expect((posted.json.progress.exercises as ExerciseProgress[]).map((e) => [e.id, e.maxScore])).toEqual(EXERCISES.map((id) => [id, maxScores[id]]));
    if (posted.json.status === "queued") expect(posted.json.progress.exercises.every((e: ExerciseProgress) => e.state === "waiting")).toBe(true);

    const id = posted.json.id as string;
    let seen: ExerciseProgress[] | undefined;
    let graded: { status: string } | undefined;
    for (let polls = 0; polls < 600 && seen === undefined; polls++) {
      const r = await alice.get(`/v1/submissions/${id}`);
      expect(r.status).toBe(200);
      if (r.json.status === "graded" || r.json.status === "error") {
        graded = r.json;
        break;
      }
      const exercises = r.json.progress.exercises as ExerciseProgress[];
      if (exercises.filter((e) => e.state === "graded").length === 2) seen = exercises;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(graded, "the grading finished before its progress showed the two fast exercises graded").toBeUndefined();
    expect(seen).toEqual([
      { id: "zero_pad", state: "graded", score: maxScores.zero_pad, maxScore: maxScores.zero_pad },
      { id: "convolve_window", state: "graded", score: maxScores.convolve_window, maxScore: maxScores.convolve_window },
      { id: "pool_backward", state: "running", maxScore: maxScores.pool_backward },
    ]);

    const final = await alice.waitGraded(id);
    expect(final).toMatchObject({ status: "graded", score: maxScores.zero_pad + maxScores.convolve_window });
    expect(final).not.toHaveProperty("progress");
    expect(final.report.exercises.map((e: { id: string; score: number }) => [e.id, e.score])).toEqual([
      ["zero_pad", maxScores.zero_pad],
      ["convolve_window", maxScores.convolve_window],
      ["pool_backward", 0],
    ]);
  });
});

describe("grading progress in the submission view (in process, jobs taken by the test)", () => {
  let t: Awaited<ReturnType<typeof startCourseApp>>;
  beforeAll(async () => {
    t = await startCourseApp();
  });
  afterAll(async () => t.close());

  it("lists every exercise waiting while queued, shows what the worker records while running, hides held scores from the student, and is gone once graded", async () => {
    expect((await t.call("prof", "POST", "/courses", { id: "held", title: "Held" })).status).toBe(201);
    const put = await t.call("prof", "PUT", "/courses/held/assignments/hw", {
      exercises: ["zero_pad", "distribute_value"], dueAt: new Date(t.clock.now + 86_400_000).toISOString(), hiddenResults: "after_due",
    });
    expect(put.status, put.text).toBe(200);
    await t.call("prof", "PUT", "/courses/held/members/alice", { role: "student" });

    const posted = await t.call("alice", "POST", "/submissions", { source: "export const zeroPad = () => 0;", course: "held", assignment: "hw" });
    expect(posted.status).toBe(202);
    const waiting = [
      { id: "zero_pad", state: "waiting", maxScore: getExercise("zero_pad").points },
      { id: "distribute_value", state: "waiting", maxScore: getExercise("distribute_value").points },
    ] as const;
    expect(posted.json.progress).toEqual({ exercises: waiting });
    const id = posted.json.id as string;
    expect((await t.call("alice", "GET", `/submissions/${id}`)).json.progress).toEqual({ exercises: waiting });

    const [job] = await t.storage.claimJobs({ limit: 1, leaseMs: 60_000, now: t.clock.now });
    const recorded = { exercises: [{ ...waiting[0]!, state: "graded" as const, score: 7 }, { ...waiting[1]!, state: "running" as const }] };
    expect(await t.storage.recordProgress(job!, recorded)).toBe(true);
    expect((await t.call("prof", "GET", `/submissions/${id}`)).json).toMatchObject({ status: "running", progress: recorded });
    expect((await t.call("alice", "GET", `/submissions/${id}`)).json.progress).toEqual({
      exercises: [{ id: "zero_pad", state: "graded", maxScore: waiting[0]!.maxScore }, { id: "distribute_value", state: "running", maxScore: waiting[1]!.maxScore }],
    });

    await t.storage.completeJob(job!, { status: "graded", report: fakeReport(["zero_pad", "distribute_value"], 1) }, { startedAt: t.clock.now, finishedAt: t.clock.now });
    const graded = (await t.call("prof", "GET", `/submissions/${id}`)).json;
    expect(graded.status).toBe("graded");
    expect(graded).not.toHaveProperty("progress");
  });
});
