import { describe, expect, it } from "vitest";
import type { Exercise } from "../exercises/types.ts";
import { buildGradebook, gradebookCsv } from "./gradebook.ts";

const catalogue = [
  { id: "zero_pad", title: "Zero padding", points: 10 },
  { id: "distribute_value", title: "Distribute", points: 5 },
] as unknown as Exercise[];

describe("gradebook", () => {
  const book = buildGradebook(catalogue, [
    { student: "bob", exercise: "zero_pad", score: 2.5, maxScore: 10 },
    { student: "alice", exercise: "zero_pad", score: 10, maxScore: 10 },
    { student: "alice", exercise: "distribute_value", score: 5, maxScore: 5 },
  ]);

  it("has every exercise per student (null where never graded) and totals, sorted by student", () => {
    expect(book).toEqual({
      exercises: [
        { id: "zero_pad", title: "Zero padding", maxScore: 10 },
        { id: "distribute_value", title: "Distribute", maxScore: 5 },
      ],
      maxTotal: 15,
      students: [
        { student: "alice", scores: { zero_pad: 10, distribute_value: 5 }, total: 15 },
        { student: "bob", scores: { zero_pad: 2.5, distribute_value: null }, total: 2.5 },
      ],
    });
  });

  it("writes Canvas's leading columns, one row per student, CRLF line ends", () => {
    expect(gradebookCsv(book)).toBe(
      "Student,ID,SIS User ID,SIS Login ID,Section,zero_pad (10),distribute_value (5),autograde total (15)\r\n" +
        "alice,,,alice,,10,5,15\r\n" +
        "bob,,,bob,,2.5,,2.5\r\n",
    );
    expect(gradebookCsv(book, "canvas")).toBe(gradebookCsv(book));
  });

  it("writes Moodle's layout: a Username column, one column per exercise, no total", () => {
    expect(gradebookCsv(book, "moodle")).toBe(
      "Username,zero_pad,distribute_value\r\n" +
        "alice,10,5\r\n" +
        "bob,2.5,\r\n",
    );
  });

  it.each(["canvas", "moodle"] as const)("%s with no students is the header row alone", (layout) => {
    const empty = buildGradebook(catalogue, []);
    expect(gradebookCsv(empty, layout).split("\r\n")).toEqual([gradebookCsv(book, layout).split("\r\n")[0], ""]);
  });
});
