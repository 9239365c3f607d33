import Fastify from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { errorHandler, MAX_REPORTED_ISSUES, schemaErrorFormatter } from "./errors.ts";
import { describeInput, exerciseId, submissionRequest } from "./schemas.ts";

async function appWith(body: z.ZodType) {
  const app = Fastify({ schemaErrorFormatter, bodyLimit: 4 * 1024 * 1024 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.post("/", { schema: { body } }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

describe("validation errors stay small whatever the request", () => {
  it(`reports the first ${MAX_REPORTED_ISSUES} issues and counts the rest`, async () => {
    const app = await appWith(z.array(z.number()));
    const response = await app.inject({ method: "POST", url: "/", payload: Array.from({ length: 5000 }, () => "x") });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error).toBe("validation_error");
    expect(body.details.issues).toHaveLength(MAX_REPORTED_ISSUES);
    expect(body.details.omittedIssues).toBe(5000 - MAX_REPORTED_ISSUES);
    expect(body.message).toMatch(/; and 4980 more$/);
    expect(response.body.length).toBeLessThan(10_000);
    await app.close();
  });

  it("clips a long issue message (100,000 unknown keys) and says so", async () => {
    const app = await appWith(submissionRequest);
    const payload = { source: "x", ...Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 0])) };
    const response = await app.inject({ method: "POST", url: "/", payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().details.issues[0].message).toMatch(/^Unrecognized keys: "k0", .*… \(clipped, \d+ characters\)$/);
    expect(response.body.length).toBeLessThan(2_000);
    await app.close();
  });

  it("refuses 120,000 exercises with one issue, and an exercise nested 100,000 arrays deep with a 400, not a stack overflow", async () => {
    const app = await appWith(submissionRequest);
    const many = await app.inject({ method: "POST", url: "/", payload: { source: "x", exercises: Array.from({ length: 120_000 }, () => "a") } });
    expect(many.statusCode).toBe(400);
    expect(many.json().details.issues).toEqual([{ field: "exercises", message: "list at most 8 exercises (the whole catalogue)" }]);

    const deep = `${"[".repeat(100_000)}"zero_pad"${"]".repeat(100_000)}`;
    const nested = await app.inject({ method: "POST", url: "/", headers: { "content-type": "application/json" }, payload: `{"source":"x","exercises":[${deep}]}` });
    expect(nested.statusCode).toBe(400);
    expect(nested.json().details.issues).toEqual([{ field: "exercises[0]", message: expect.stringMatching(/^expected an exercise id .*, got an array$/) }]);
    await app.close();
  });

  it("names what a client sent by its kind unless it is a short string", () => {
    expect(describeInput("softmax")).toBe('"softmax"');
    expect(describeInput("s".repeat(10_000))).toBe(`"${"s".repeat(64)}…"`);
    expect(describeInput({ a: 1 })).toBe("an object");
    expect(describeInput(null)).toBe("null");
    expect(describeInput(7)).toBe("number 7");
    expect(exerciseId.safeParse("softmax").error?.issues[0]?.message).toMatch(/^unknown exercise "softmax"; expected one of zero_pad/);
  });
});
