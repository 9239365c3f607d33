import { describe, expect, it } from "vitest";
import { defaultAssignment, type AssignmentRecord, type CourseRole } from "../storage/course-types.ts";
import { assignmentForLaunch, courseForLaunch, courseIdForContext, courseRoleOf } from "./course-link.ts";
import type { Launch } from "./launch.ts";

const LIS = "http://purl.imsglobal.org/vocab/lis/v2/";

/** The slice of CourseStorage a launch uses, in memory, with the storage contract's first-wins linking. */
function memoryCourses() {
  const courses = new Map<string, string>();
  const contexts = new Map<string, string>();
  const members = new Map<string, CourseRole>();
  const assignments = new Map<string, AssignmentRecord>();
  const links = new Map<string, { course: string; assignment: string }>();
  return {
    courses, contexts, members, assignments, links,
    async courseForLtiContext(issuer: string, contextId: string) { return contexts.get(`${issuer} ${contextId}`) ?? null; },
    async createCourse({ id, title, now }: { id: string; title: string; now: number }) {
      if (courses.has(id)) return "exists" as const;
      courses.set(id, title);
      return { id, title, createdAt: now };
    },
    async linkLtiContext({ issuer, contextId, course }: { issuer: string; contextId: string; course: string }) {
      if (!contexts.has(`${issuer} ${contextId}`)) contexts.set(`${issuer} ${contextId}`, course);
    },
    async setMember({ course, principal, role, now }: { course: string; principal: string; role: CourseRole; now: number }) {
      members.set(`${course} ${principal}`, role);
      return { course, principal, role, addedAt: now };
    },
    async assignmentForResourceLink(issuer: string, id: string) { return links.get(`${issuer} ${id}`) ?? null; },
    async getAssignment(course: string, id: string) { return assignments.get(`${course} ${id}`) ?? (id === "default" ? defaultAssignment(course) : null); },
    async linkResourceToAssignment({ issuer, resourceLinkId, course, assignment }: { issuer: string; resourceLinkId: string; course: string; assignment: string }) {
      links.set(`${issuer} ${resourceLinkId}`, { course, assignment });
    },
  };
}

const launch = (overrides: Partial<Launch> = {}): Launch => ({
  userKey: "https://lms.example#u1", issuer: "https://lms.example", subject: "u1", deploymentId: "d1",
  messageType: "LtiResourceLinkRequest", targetLinkUri: null, resourceLinkId: "link-1", contextId: "ctx-1", contextTitle: "CNN 2026",
  roles: [`${LIS}membership#Learner`], name: null, email: null, ags: null, deepLinkReturnUrl: null, deepLinkData: null, custom: {},
  ...overrides,
});

describe("courseRoleOf", () => {
  it.each<[string, string[], CourseRole]>([
    ["Instructor", [`${LIS}membership#Instructor`], "instructor"],
    ["a TA (Instructor#TeachingAssistant)", [`${LIS}membership/Instructor#TeachingAssistant`], "ta"],
    ["TA and Instructor: the higher", [`${LIS}membership/Instructor#TeachingAssistant`, `${LIS}membership#Instructor`], "instructor"],
    ["another Instructor sub-role", [`${LIS}membership/Instructor#Lecturer`], "instructor"],
    ["ContentDeveloper", [`${LIS}membership#ContentDeveloper`], "instructor"],
    ["Learner", [`${LIS}membership#Learner`], "student"],
    ["a Mentor", [`${LIS}membership#Mentor`], "student"],
    ["none", [], "student"],
  ])("%s", (_name, roles, role) => {
    expect(courseRoleOf(roles)).toBe(role);
  });
});

describe("courseForLaunch", () => {
  it("the first instructor launch creates the context's course, named after it, with the instructor as member", async () => {
    const storage = memoryCourses();
    const id = courseIdForContext("https://lms.example", "ctx-1");
    expect(id).toMatch(/^lti-[0-9a-f]{16}$/);
    expect(await courseForLaunch(storage, launch({ roles: [`${LIS}membership#Instructor`] }), "lti-t", 5)).toEqual({ course: id, role: "instructor" });
    expect(storage.courses.get(id)).toBe("CNN 2026");
    expect(storage.members.get(`${id} lti-t`)).toBe("instructor");
    // A student of the same context then joins that course as a student.
    expect(await courseForLaunch(storage, launch(), "lti-s", 6)).toEqual({ course: id, role: "student" });
    expect(storage.members.get(`${id} lti-s`)).toBe("student");
  });

  it("a student from a context no instructor opened works in default and joins nothing", async () => {
    const storage = memoryCourses();
    expect(await courseForLaunch(storage, launch(), "lti-s", 1)).toEqual({ course: "default", role: "student" });
    expect(storage.courses.size + storage.contexts.size + storage.members.size).toBe(0);
  });

  it("a context linked to an existing course (a second section) is that course, without creating one", async () => {
    const storage = memoryCourses();
    storage.courses.set("cs101", "CS 101");
    storage.contexts.set("https://lms.example ctx-b", "cs101");
    const result = await courseForLaunch(storage, launch({ contextId: "ctx-b", roles: [`${LIS}membership/Instructor#TeachingAssistant`] }), "lti-ta", 1);
    expect(result).toEqual({ course: "cs101", role: "ta" });
    expect([...storage.courses.keys()]).toEqual(["cs101"]);
  });

  it("the same context id at two issuers is two courses", () => {
    expect(courseIdForContext("https://a.example", "ctx")).not.toBe(courseIdForContext("https://b.example", "ctx"));
  });
});

describe("assignmentForLaunch", () => {
  const hw1: AssignmentRecord = { ...defaultAssignment("cs101"), id: "hw1", title: "HW 1", exercises: ["zero_pad"] };

  it("maps a deep-linked link to the assignment named in its custom parameters, once", async () => {
    const storage = memoryCourses();
    storage.assignments.set("cs101 hw1", hw1);
    const first = await assignmentForLaunch(storage, launch({ custom: { course: "cs101", assignment: "hw1", exercises: "zero_pad" } }), "cs101", ["zero_pad"]);
    expect(first).toEqual({ assignment: "hw1", exercises: ["zero_pad"] });
    expect(storage.links.get("https://lms.example link-1")).toEqual({ course: "cs101", assignment: "hw1" });
    expect(await assignmentForLaunch(storage, launch(), "cs101", null)).toEqual({ assignment: "hw1", exercises: ["zero_pad"] });
  });

  it("never looks an assignment up in a course other than the launch's", async () => {
    const storage = memoryCourses();
    storage.assignments.set("cs101 hw1", hw1);
    const copied = await assignmentForLaunch(storage, launch({ custom: { course: "cs101", assignment: "hw1" } }), "other", ["zero_pad"]);
    expect(copied).toEqual({ assignment: "default", exercises: ["zero_pad"] });
    expect(storage.links.size).toBe(0);
  });

  it("a link made by hand (no custom parameters) grades default", async () => {
    expect(await assignmentForLaunch(memoryCourses(), launch(), "cs101", null)).toEqual({ assignment: "default", exercises: null });
  });
});
