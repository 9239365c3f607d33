import { describe, expect, it } from "vitest";
import { KEYS, STORAGES, useServer } from "./helpers/server.ts";
import { distributeSolution } from "./helpers/server-sources.ts";

// A deadline burst in miniature: one student posts 200 submissions at once and keeps re-posting
// whatever is refused, while twelve others post one each. The per-student cap on ungraded work
// (AUTOGRADE_MAX_QUEUED_PER_STUDENT) is what keeps the flood from filling the queue in front of
// everyone else; without it the others would wait behind all 200.
const CAP = 3;
const FLOOD = 200;
const OTHERS = Array.from({ length: 12 }, (_, i) => ({ name: `peer${i}`, secret: `peer-${i}-secret-for-tests` }));
const FLOODER = { name: "flooder", secret: "flooder-secret-for-tests" };
const grade = (n: string) => ({ source: `${distributeSolution}\n// ${n}\n`, exercises: ["distribute_value"] });

describe.each(STORAGES)("%s storage: one student flooding the queue", (storageKind) => {
  const served = useServer(storageKind, {
    AUTOGRADE_API_KEYS: [`staff:prof:${KEYS.staff}`, `student:${FLOODER.name}:${FLOODER.secret}`, ...OTHERS.map((o) => `student:${o.name}:${o.secret}`)].join(","),
    AUTOGRADE_MAX_QUEUED_PER_STUDENT: String(CAP),
    AUTOGRADE_RATE_LIMIT_PER_MINUTE: "100000",
  });

  it(`holds the flood to ${CAP} queued and grades every other student while it goes on`, async () => {
    const flooder = served.client(FLOODER.secret);
    const staff = served.client(KEYS.staff);

    // Sampled all along: the flooder's submissions not yet graded (each graded one frees a slot, so
    // more than CAP may be accepted over the whole burst, never more than CAP waiting at once).
    let sampling = true;
    let mostUngraded = 0;
    const sampler = (async () => {
      while (sampling) {
        const page = (await staff.get(`/v1/submissions?student=${FLOODER.name}&limit=200`)).json.items as { status: string }[];
        mostUngraded = Math.max(mostUngraded, page.filter((s) => s.status === "queued" || s.status === "running").length);
      }
    })();

    const burst = await Promise.all(Array.from({ length: FLOOD }, (_, i) => flooder.post("/v1/submissions", grade(`flood ${i}`))));
    const accepted = burst.filter((r) => r.status === 202);
    const refused = burst.filter((r) => r.status === 429);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    // How many are refused depends on how fast the first ones are graded; that some are is the point.
    expect(refused.length).toBeGreaterThan(0);
    expect(accepted.length + refused.length).toBe(FLOOD);
    for (const r of refused) expect(r.json).toMatchObject({ error: "too_many_queued", details: { max: CAP } });
    expect(refused[0]!.headers.get("retry-after")).toBeTruthy();

    // The flooder re-posts for as long as the others are waiting, as a script retrying 429s would.
    let othersDone = false;
    let retried = 0;
    const keepFlooding = (async () => {
      while (!othersDone) {
        const r = await flooder.post("/v1/submissions", grade(`retry ${retried++}`));
        expect([202, 429]).toContain(r.status);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const peersPostedAt = Date.now();
    const others = await Promise.all(OTHERS.map(async (o, i) => {
      const peer = served.client(o.secret);
      const posted = await peer.post("/v1/submissions", grade(`peer ${i}`));
      expect(posted.status).toBe(202);
      return peer.waitGraded(posted.json.id as string, 120_000);
    }));
    othersDone = true;
    await keepFlooding;
    sampling = false;
    await sampler;
    expect(mostUngraded).toBeGreaterThan(0);
    expect(mostUngraded).toBeLessThanOrEqual(CAP);

    for (const graded of others) expect(graded).toMatchObject({ status: "graded", score: 5, maxScore: 5 });
    expect(retried).toBeGreaterThan(0);

    // While the twelve waited, the flooder never had more than CAP ungraded, so at most CAP of its
    // submissions plus the few it slipped in as slots freed can have been graded between the peers'
    // posts and the last peer's grading (what the first burst had graded before does not count).
    const lastPeerGradedAt = Math.max(...others.map((g) => Date.parse(g.gradedAt as string)));
    const floods = (await staff.get(`/v1/submissions?student=${FLOODER.name}&limit=200`)).json.items as { status: string; gradedAt?: string }[];
    const gradedBefore = floods.filter((s) => s.status === "graded" && Date.parse(s.gradedAt!) >= peersPostedAt && Date.parse(s.gradedAt!) < lastPeerGradedAt).length;
    expect(gradedBefore).toBeLessThanOrEqual(CAP + OTHERS.length);
    const ungraded = floods.filter((s) => s.status === "queued" || s.status === "running").length;
    expect(ungraded).toBeLessThanOrEqual(CAP);
  });
});
