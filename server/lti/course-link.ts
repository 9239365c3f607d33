import { createHash } from "node:crypto";
import type { ExerciseId } from "../../exercises/types.ts";
import type { ApiRole } from "../config.ts";
import { DEFAULT_ASSIGNMENT, DEFAULT_COURSE, type AssignmentRecord, type CourseRole, type CourseStorage } from "../storage/course-types.ts";
import type { Launch } from "./launch.ts";

const MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#";
const INSTRUCTOR_SUB_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#";
const TEACHING_ASSISTANT = `${INSTRUCTOR_SUB_ROLE}TeachingAssistant`;
const INSTRUCTOR_ROLES = [
  `${MEMBERSHIP}Instructor`,
  `${MEMBERSHIP}Administrator`,
  `${MEMBERSHIP}ContentDeveloper`,
  "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
  "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator",
];

/**
 * What the launch's roles make the user in the context's course. A teaching assistant is named by
 * an Instructor sub-role; any other Instructor sub-role, or Instructor itself, outranks it.
 */
export function courseRoleOf(roles: readonly string[]): CourseRole {
  if (roles.some((r) => INSTRUCTOR_ROLES.includes(r) || (r.startsWith(INSTRUCTOR_SUB_ROLE) && r !== TEACHING_ASSISTANT))) return "instructor";
  if (roles.includes(TEACHING_ASSISTANT)) return "ta";
  return "student";
}

/** Course staff get a staff session: its rights stop at their courses (an LTI principal never administers the service). */
export const sessionRoleOf = (role: CourseRole): ApiRole => (role === "student" ? "student" : "staff");

/** A course id in the safe alphabet, stable per (issuer, context): issuers and context ids are arbitrary strings. */
export const courseIdForContext = (issuer: string, contextId: string): string =>
  `lti-${createHash("sha256").update(`${issuer}#${contextId}`, "utf8").digest("hex").slice(0, 16)}`;

export interface LaunchCourse {
  readonly course: string;
  readonly role: CourseRole;
}

/**
 * The course a launch's context stands for. The first instructor (or TA) launch from a context
 * creates it, named after the context; a student arriving from a context no instructor has opened
 * yet works in `default`, as before courses existed, and is not made a member of anything.
 */
type LaunchCourseStorage = Pick<CourseStorage, "courseForLtiContext" | "createCourse" | "linkLtiContext" | "setMember">;
type LaunchAssignmentStorage = Pick<CourseStorage, "assignmentForResourceLink" | "getAssignment" | "linkResourceToAssignment">;

export async function courseForLaunch(storage: LaunchCourseStorage, launch: Launch, principal: string, now: number): Promise<LaunchCourse> {
  const role = courseRoleOf(launch.roles);
  if (launch.contextId === null) return { course: DEFAULT_COURSE, role };
  let course = await storage.courseForLtiContext(launch.issuer, launch.contextId);
  if (course === null) {
    if (role === "student") return { course: DEFAULT_COURSE, role };
    const id = courseIdForContext(launch.issuer, launch.contextId);
    await storage.createCourse({ id, title: launch.contextTitle ?? `LMS course ${launch.contextId}`, now });
    await storage.linkLtiContext({ issuer: launch.issuer, contextId: launch.contextId, course: id, now });
    // Two first launches at once: linking is first-wins, so read back which course the context got.
    course = (await storage.courseForLtiContext(launch.issuer, launch.contextId)) ?? id;
  }
  await storage.setMember({ course, principal, role, now });
  return { course, role };
}

export interface LaunchAssignment {
  readonly assignment: string;
  /** The assignment's exercises (null: all), or for a link that maps to none, the link's own `custom.exercises`. */
  readonly exercises: readonly ExerciseId[] | null;
}

/**
 * The assignment a resource link grades: the one already mapped, else the one deep linking created
 * (named in the link's custom parameters, looked up in the launch's course only), else `default`.
 */
export async function assignmentForLaunch(
  storage: LaunchAssignmentStorage,
  launch: Launch,
  course: string,
  customExercises: readonly ExerciseId[] | null,
): Promise<LaunchAssignment> {
  const fallback = { assignment: DEFAULT_ASSIGNMENT, exercises: customExercises };
  const linkId = launch.resourceLinkId;
  if (linkId === null) return fallback;
  const mapped = await storage.assignmentForResourceLink(launch.issuer, linkId);
  let record: AssignmentRecord | null = null;
  if (mapped && mapped.course === course) record = await storage.getAssignment(course, mapped.assignment);
  if (!record) {
    const named = launch.custom.assignment;
    // A link copied into a course that lacks its assignment grades as `default` with the link's exercises.
    const candidate = named !== undefined && launch.custom.course === course ? await storage.getAssignment(course, named) : null;
    if (!candidate) return fallback;
    await storage.linkResourceToAssignment({ issuer: launch.issuer, resourceLinkId: linkId, course, assignment: candidate.id });
    record = candidate;
  }
  return { assignment: record.id, exercises: record.exercises };
}
