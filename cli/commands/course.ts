import { courseRequest } from "../../server/course-schemas.ts";
import { withAdminStorage } from "../admin-storage.ts";
import { parseFlags, UsageError, write, type CliCommand } from "../usage.ts";

const usage = `usage: autograde course create ID --title TITLE [--data-dir DIR]
       autograde course list [--format text|json] [--data-dir DIR]

Courses in the service's database (PostgreSQL when DATABASE_URL is set, else SQLite under
AUTOGRADE_DATA_DIR; --data-dir overrides it). The course \`default\` always exists. Members are
managed over HTTP: PUT /v1/courses/:course/members/:principal.`;

const flags = { title: { type: "string" }, format: { type: "string", default: "text" }, "data-dir": { type: "string" } } as const;

export const command: CliCommand = {
  summary: "create and list courses",
  usage,
  async run(args, io) {
    const { values, positionals } = parseFlags("course", args, flags, { min: 1, max: 2, name: "subcommand (create or list)" });
    const [sub, id] = positionals;
    if (sub !== "create" && sub !== "list") throw new UsageError(`course: unknown subcommand "${sub}" (create or list)`);
    if (sub === "list" && id !== undefined) throw new UsageError(`course list: unexpected argument "${id}"`);
    if (sub === "list" && values.format !== "text" && values.format !== "json") throw new UsageError(`course list: unknown format "${values.format}" (text or json)`);
    const body = sub === "create" ? courseRequest.safeParse({ id, title: values.title }) : null;
    if (body && !body.success) {
      const issue = body.error.issues[0];
      throw new UsageError(`course create: ${issue?.path[0] === "title" ? "--title" : "ID"}: ${issue?.message ?? "invalid"}`);
    }
    return withAdminStorage("course", io.env, values["data-dir"], async (storage) => {
      if (body?.success) {
        const created = await storage.createCourse({ ...body.data, now: Date.now() });
        if (created === "exists") {
          write(io.stderr, `course create: course ${body.data.id} exists already`);
          return 1;
        }
        write(io.stdout, `created course ${created.id} (${created.title})`);
        return 0;
      }
      const courses = await storage.listCoursesOf({ name: "", serviceStaff: true });
      if (values.format === "json") write(io.stdout, JSON.stringify(courses.map((c) => ({ ...c, createdAt: new Date(c.createdAt).toISOString() })), null, 2));
      else write(io.stdout, courses.map((c) => `${c.id}  ${c.title}`).join("\n"));
      return 0;
    });
  },
};
