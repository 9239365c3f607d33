import { extensionRequest } from "../../server/course-schemas.ts";
import { principalName } from "../../server/config.ts";
import { recomputeLateness } from "../../server/recompute.ts";
import { assignmentId, courseId } from "../../server/schemas.ts";
import { withAdminStorage } from "../admin-storage.ts";
import { parseFlags, UsageError, write, type CliCommand } from "../usage.ts";

const usage = `usage: autograde extension grant COURSE ASSIGNMENT STUDENT --due ISO [--late-until ISO] [--by NAME] [--data-dir DIR]
       autograde extension revoke COURSE ASSIGNMENT STUDENT [--data-dir DIR]

An extension moves one student's due date (and late window); time before it never counts as late.
Their submissions' penalties are recomputed from the stored submit times. --by records who granted
it (default: cli).`;

const flags = { due: { type: "string" }, "late-until": { type: "string" }, by: { type: "string", default: "cli" }, "data-dir": { type: "string" } } as const;

export const command: CliCommand = {
  summary: "grant and revoke a student's extension",
  usage,
  async run(args, io) {
    const { values, positionals } = parseFlags("extension", args, flags, { min: 4, max: 4, name: "subcommand (grant or revoke), COURSE, ASSIGNMENT and STUDENT" });
    const [sub, course, id, student] = positionals as [string, string, string, string];
    if (sub !== "grant" && sub !== "revoke") throw new UsageError(`extension: unknown subcommand "${sub}" (grant or revoke)`);
    if (!courseId.safeParse(course).success) throw new UsageError(`extension ${sub}: COURSE: ${JSON.stringify(course)} is not a course id`);
    if (!assignmentId.safeParse(id).success) throw new UsageError(`extension ${sub}: ASSIGNMENT: ${JSON.stringify(id)} is not an assignment id`);
    if (!principalName.safeParse(student).success) throw new UsageError(`extension ${sub}: STUDENT: ${JSON.stringify(student)} is not a principal name`);
    const dates = sub === "grant" ? extensionRequest.safeParse({ dueAt: values.due, ...(values["late-until"] === undefined ? {} : { lateUntil: values["late-until"] }) }) : null;
    if (dates && !dates.success) {
      const issue = dates.error.issues[0];
      throw new UsageError(`extension grant: ${issue?.path[0] === "lateUntil" ? "--late-until" : "--due"}: ${values.due === undefined ? "give the new due date" : issue?.message}`);
    }
    return withAdminStorage("extension", io.env, values["data-dir"], async (storage) => {
      const assignment = await storage.getAssignment(course, id);
      if (!assignment) {
        write(io.stderr, `extension ${sub}: no assignment ${course}/${id}`);
        return 2;
      }
      if (dates?.success) {
        await storage.putExtension({
          course, assignment: id, student,
          dueAt: Date.parse(dates.data.dueAt),
          lateUntil: dates.data.lateUntil === undefined ? null : Date.parse(dates.data.lateUntil),
          grantedBy: values.by, grantedAt: Date.now(),
        });
      } else if (!(await storage.deleteExtension(course, id, student))) {
        write(io.stderr, `extension revoke: ${student} has no extension for ${course}/${id}`);
        return 1;
      }
      const recomputed = await recomputeLateness(storage, assignment, { student });
      write(io.stdout, `${sub === "grant" ? "granted" : "revoked"} ${student}'s extension for ${course}/${id}; ${recomputed} submission${recomputed === 1 ? "" : "s"} recomputed`);
      return 0;
    });
  },
};
