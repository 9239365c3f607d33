import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppDeps } from "../app-deps.ts";
import { isAdmin, requireAdmin, type Principal } from "../auth.ts";
import { accessCourse, assignmentOf, isCourseStaff } from "../course-access.ts";
import {
  assignmentList, assignmentParams, assignmentView, courseGradebook, courseGradebookQuery, courseList, courseParams, courseRequest, courseView,
  extensionList, extensionParams, extensionRequest, extensionView, memberList, memberParams, memberRequest, memberView,
} from "../course-schemas.ts";
import { ApiError } from "../errors.ts";
import { gradebookCsv } from "../gradebook.ts";
import { attemptsView, releaseOf, releaseTime } from "../policy/admission.ts";
import { assignmentBody, assignmentBodyOf, assignmentPolicy } from "../policy/assignment-body.ts";
import { effectiveDeadline } from "../policy/deadlines.ts";
import { recomputeLateness } from "../recompute.ts";
import { errorBody } from "../schemas.ts";
import { assignmentGradebook, pointsOf } from "../scoring.ts";
import type { AssignmentRecord, CourseRole, ExtensionRecord } from "../storage/course-types.ts";
import { sendCsv } from "./csv-reply.ts";

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };
const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** Courses, members, assignments, extensions and per-assignment gradebooks (issue 13). */
export const courseRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { storage } = deps;
  const now = deps.now ?? Date.now;

  async function describe(assignment: AssignmentRecord, principal: Principal, role: CourseRole) {
    const points = pointsOf(assignment, deps.exercises);
    const body = assignmentBodyOf(assignment);
    const base = {
      course: assignment.course,
      id: assignment.id,
      title: assignment.title,
      exercises: [...points.keys()],
      points: Object.fromEntries(points),
      maxScore: [...points.values()].reduce((sum, p) => sum + p, 0),
      opensAt: isoOrNull(assignment.opensAt),
      dueAt: isoOrNull(assignment.dueAt),
      lateUntil: isoOrNull(assignment.lateUntil),
      latePenalty: body.latePenalty ?? null,
      maxAttempts: assignment.maxAttempts,
      minMinutesBetween: assignment.minMinutesBetween,
      hiddenResults: assignment.hiddenResults,
      scorePolicy: assignment.scorePolicy,
      updatedAt: iso(assignment.updatedAt),
    };
    if (isCourseStaff(role)) return base;
    const at = now();
    const extension = (await storage.listExtensions(assignment.course, assignment.id)).find((e) => e.student === principal.name) ?? null;
    const attempts = attemptsView(assignment, await storage.countAttempts(assignment.course, assignment.id, principal.name), at);
    const release = releaseOf(assignment, effectiveDeadline(assignment, extension), at);
    return {
      ...base,
      attempts: { used: attempts.used, max: attempts.max, nextAllowedAt: isoOrNull(attempts.nextAllowedAt) },
      extension: extension ? { dueAt: iso(extension.dueAt), lateUntil: isoOrNull(extension.lateUntil) } : null,
      ...(assignment.hiddenResults === "immediately" ? {} : { resultsReleaseAt: isoOrNull(releaseTime(release)) }),
    };
  }

  const extensionJson = (e: ExtensionRecord) => ({ ...e, dueAt: iso(e.dueAt), lateUntil: isoOrNull(e.lateUntil), grantedAt: iso(e.grantedAt) });

  app.post(
    "/courses",
    { schema: { tags: ["courses"], description: "Create a course (staff API keys only).", body: courseRequest, response: { 201: courseView, ...errors } } },
    async (request, reply) => {
      requireAdmin(request.principal);
      const created = await storage.createCourse({ ...request.body, now: now() });
      if (created === "exists") throw new ApiError(409, "course_exists", `course ${request.body.id} exists already`, { field: "id" });
      request.log.info({ course: created.id }, "course created");
      return reply.code(201).send({ ...created, createdAt: iso(created.createdAt), role: "instructor" as const });
    },
  );

  app.get(
    "/courses",
    { schema: { tags: ["courses"], description: "The courses the caller belongs to, with their role in each (every course for a staff API key).", response: { 200: courseList, ...errors } } },
    async (request) => {
      const { principal } = request;
      const courses = await storage.listCoursesOf({ name: principal.name, serviceStaff: isAdmin(principal) });
      const withRoles = await Promise.all(courses.map(async (c) => ({ ...c, createdAt: iso(c.createdAt), role: (await accessCourse(storage, principal, c.id)).role })));
      return { courses: withRoles };
    },
  );

  app.get(
    "/courses/:course/members",
    { schema: { tags: ["courses"], description: "Members and their roles (instructors and TAs).", params: courseParams, response: { 200: memberList, ...errors } } },
    async (request) => {
      await accessCourse(storage, request.principal, request.params.course, "ta");
      const members = await storage.listMembers(request.params.course);
      return { members: members.map((m) => ({ ...m, addedAt: iso(m.addedAt) })) };
    },
  );

  app.put(
    "/courses/:course/members/:principal",
    { schema: { tags: ["courses"], description: "Give a principal (an API key's name or an LTI user's name) a role in the course (instructors).", params: memberParams, body: memberRequest, response: { 200: memberView, ...errors } } },
    async (request) => {
      await accessCourse(storage, request.principal, request.params.course, "instructor");
      const member = await storage.setMember({ course: request.params.course, principal: request.params.principal, role: request.body.role, now: now() });
      request.log.info({ course: member.course, member: member.principal, memberRole: member.role }, "course member set");
      return { ...member, addedAt: iso(member.addedAt) };
    },
  );

  app.delete(
    "/courses/:course/members/:principal",
    { schema: { tags: ["courses"], description: "Remove a member (instructors).", params: memberParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await accessCourse(storage, request.principal, request.params.course, "instructor");
      if (!(await storage.removeMember(request.params.course, request.params.principal))) {
        throw new ApiError(404, "not_found", `${request.params.principal} is not a member of ${request.params.course}`, { field: "principal" });
      }
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/courses/:course/assignments",
    { schema: { tags: ["courses"], description: "The course's assignments; a student also sees their own attempts, extension and release time.", params: courseParams, response: { 200: assignmentList, ...errors } } },
    async (request) => {
      const { role } = await accessCourse(storage, request.principal, request.params.course);
      const assignments = await storage.listAssignments(request.params.course);
      return { assignments: await Promise.all(assignments.map((a) => describe(a, request.principal, role))) };
    },
  );

  app.get(
    "/courses/:course/assignments/:assignment",
    { schema: { tags: ["courses"], params: assignmentParams, response: { 200: assignmentView, ...errors } } },
    async (request) => {
      const { role } = await accessCourse(storage, request.principal, request.params.course);
      return describe(await assignmentOf(storage, request.params.course, request.params.assignment), request.principal, role);
    },
  );

  app.put(
    "/courses/:course/assignments/:assignment",
    {
      schema: {
        tags: ["courses"],
        description: "Create or replace an assignment (instructors). New dates or penalty recompute every submission's late penalty from its submit time; grading is not redone.",
        params: assignmentParams,
        body: assignmentBody,
        response: { 200: assignmentView, ...errors },
      },
    },
    async (request) => {
      const { role } = await accessCourse(storage, request.principal, request.params.course, "instructor");
      const record: AssignmentRecord = { ...assignmentPolicy(request.params.assignment, request.body), course: request.params.course, id: request.params.assignment, updatedAt: now() };
      await storage.putAssignment(record);
      const recomputed = await recomputeLateness(storage, record, { rescored: deps.rescored });
      request.log.info({ course: record.course, assignment: record.id, recomputed }, "assignment stored");
      return { ...(await describe(record, request.principal, role)), recomputed };
    },
  );

  app.get(
    "/courses/:course/assignments/:assignment/extensions",
    { schema: { tags: ["courses"], description: "Extensions granted (instructors and TAs).", params: assignmentParams, response: { 200: extensionList, ...errors } } },
    async (request) => {
      await accessCourse(storage, request.principal, request.params.course, "ta");
      await assignmentOf(storage, request.params.course, request.params.assignment);
      return { extensions: (await storage.listExtensions(request.params.course, request.params.assignment)).map(extensionJson) };
    },
  );

  app.put(
    "/courses/:course/assignments/:assignment/extensions/:student",
    {
      schema: {
        tags: ["courses"],
        description: "Grant or replace a student's extension (instructors and TAs): their own due date and late window. Their submissions' penalties are recomputed.",
        params: extensionParams,
        body: extensionRequest,
        response: { 200: extensionView, ...errors },
      },
    },
    async (request) => {
      const { course, assignment: id, student } = request.params;
      await accessCourse(storage, request.principal, course, "ta");
      const assignment = await assignmentOf(storage, course, id);
      const extension: ExtensionRecord = {
        course,
        assignment: id,
        student,
        dueAt: Date.parse(request.body.dueAt),
        lateUntil: request.body.lateUntil === undefined ? null : Date.parse(request.body.lateUntil),
        grantedBy: request.principal.name,
        grantedAt: now(),
      };
      await storage.putExtension(extension);
      const recomputed = await recomputeLateness(storage, assignment, { student, rescored: deps.rescored });
      request.log.info({ course, assignment: id, student, recomputed }, "extension granted");
      return { ...extensionJson(extension), recomputed };
    },
  );

  app.delete(
    "/courses/:course/assignments/:assignment/extensions/:student",
    { schema: { tags: ["courses"], description: "Revoke an extension; the student's penalties are recomputed.", params: extensionParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      const { course, assignment: id, student } = request.params;
      await accessCourse(storage, request.principal, course, "ta");
      const assignment = await assignmentOf(storage, course, id);
      if (!(await storage.deleteExtension(course, id, student))) throw new ApiError(404, "not_found", `${student} has no extension for ${id}`, { field: "student" });
      const recomputed = await recomputeLateness(storage, assignment, { student, rescored: deps.rescored });
      request.log.info({ course, assignment: id, student, recomputed }, "extension revoked");
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/courses/:course/gradebook",
    {
      schema: {
        tags: ["courses"],
        description: "One assignment's gradebook (instructors and TAs): students only, penalized scores with the raw ones beside them, per the assignment's score policy. ?format=csv&layout=canvas|moodle exports the penalized scores.",
        params: courseParams,
        querystring: courseGradebookQuery,
        response: { 200: courseGradebook, ...errors },
      },
    },
    async (request, reply) => {
      const { course } = request.params;
      await accessCourse(storage, request.principal, course, "ta");
      const { format, layout } = request.query;
      const assignment = await storage.getAssignment(course, request.query.assignment);
      if (!assignment) throw new ApiError(400, "unknown_assignment", `assignment: course ${course} has no assignment ${request.query.assignment}`, { field: "assignment" });
      const csv = format === "csv" || (format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ""));
      if (!csv && layout !== undefined) throw new ApiError(400, "validation_error", "layout: applies to the CSV gradebook only; add format=csv", { field: "layout" });
      const staffNames = await staffPrincipals(course);
      const book = assignmentGradebook(assignment, deps.exercises, await storage.assignmentCells(course, assignment.id), (name) => !staffNames.has(name));
      if (!csv) return { course, assignment: assignment.id, ...book };
      const chosen = layout ?? "canvas";
      return sendCsv(reply, `autograde-${course}-${assignment.id}-${chosen}.csv`, gradebookCsv(book, chosen));
    },
  );

  /** Names that are staff here: submissions from before courses carry no role, so they are told apart by name. */
  async function staffPrincipals(course: string): Promise<Set<string>> {
    const keys = await storage.listApiKeys();
    return new Set([
      ...deps.config.apiKeys.filter((k) => k.role === "staff").map((k) => k.name),
      ...keys.filter((k) => k.role === "staff" && k.revokedAt === null).map((k) => k.name),
      ...(await storage.listMembers(course)).filter((m) => isCourseStaff(m.role)).map((m) => m.principal),
    ]);
  }
};
