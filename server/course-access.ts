import type { Principal } from "./auth.ts";
import { isAdmin } from "./auth.ts";
import { ApiError } from "./errors.ts";
import { DEFAULT_COURSE, type AssignmentRecord, type CourseRecord, type CourseRole, type CourseStorage } from "./storage/course-types.ts";

/*
 * Who is what in a course. Service staff (a staff API key) are instructors everywhere. In
 * `default`, every principal is at least a student and an LTI course-staff session at least a TA,
 * as before courses existed. Elsewhere only the stored membership counts: an LMS instructor of one
 * context is staff of that context's course alone.
 */

const RANK: Record<CourseRole, number> = { student: 0, ta: 1, instructor: 2 };

export const isCourseStaff = (role: CourseRole | null): boolean => role === "instructor" || role === "ta";

export async function courseRole(storage: Pick<CourseStorage, "memberRole">, principal: Principal, course: string): Promise<CourseRole | null> {
  if (isAdmin(principal)) return "instructor";
  const stored = await storage.memberRole(course, principal.name);
  if (course !== DEFAULT_COURSE) return stored;
  const implicit: CourseRole = principal.role === "staff" ? "ta" : "student";
  return stored !== null && RANK[stored] > RANK[implicit] ? stored : implicit;
}

/** 403 naming the field unless the caller is instructor or TA of `course` (a bulk action across a course's submissions). */
export async function requireCourseStaff(storage: Pick<CourseStorage, "memberRole">, principal: Principal, course: string): Promise<void> {
  if (!isCourseStaff(await courseRole(storage, principal, course))) {
    throw new ApiError(403, "forbidden", `course: you are not staff of course ${course}`, { field: "course" });
  }
}

export interface CourseAccess {
  readonly course: CourseRecord;
  readonly role: CourseRole;
}

/**
 * The course and the caller's role in it, or 404 when the caller is no member: a course someone
 * cannot see is indistinguishable from one that does not exist. `needs` raises it to 403 for a
 * member without that rank.
 */
export async function accessCourse(storage: Pick<CourseStorage, "memberRole" | "getCourse">, principal: Principal, courseId: string, needs: CourseRole = "student"): Promise<CourseAccess> {
  const course = await storage.getCourse(courseId);
  const role = course ? await courseRole(storage, principal, courseId) : null;
  if (!course || role === null) throw new ApiError(404, "not_found", `no course ${courseId}`, { field: "course" });
  if (RANK[role] < RANK[needs]) throw new ApiError(403, "forbidden", `this needs the ${needs} role in course ${courseId} (you are ${role})`, { needs });
  return { course, role };
}

export async function assignmentOf(storage: Pick<CourseStorage, "getAssignment">, course: string, id: string, field = "assignment"): Promise<AssignmentRecord> {
  const assignment = await storage.getAssignment(course, id);
  if (!assignment) throw new ApiError(404, "not_found", `course ${course} has no assignment ${id}`, { field });
  return assignment;
}
