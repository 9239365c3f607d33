import { describe, expect, it } from "vitest";
import { EXERCISE_IDS, exercises, starterModule, STUDENT_MODULE_HEADER } from "../../exercises/index.ts";
import { assembleStarterModule, STUDENT_MODULE_HEADER as PAGE_HEADER } from "./starter.ts";

describe("the page's starter module", () => {
  it("uses the catalogue's module header", () => {
    expect(PAGE_HEADER).toBe(STUDENT_MODULE_HEADER);
  });

  it("assembled from the API's per-exercise snippets equals the catalogue's starterModule()", () => {
    const byId = new Map(exercises.map((e) => [e.id, e]));
    const snippets = EXERCISE_IDS.map((id) => byId.get(id)?.starter ?? "");
    expect(assembleStarterModule(snippets)).toBe(starterModule());
  });
});
