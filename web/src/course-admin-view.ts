import { formatScore } from "../../grader/round-score.ts";
import { ApiError, type ApiClient } from "./api.ts";
import { penaltyText } from "./assignment-panel.ts";
import { h, replaceChildren } from "./dom.ts";
import type { Assignment, AssignmentBody, Course, CourseGradebook, CourseRole } from "./schemas.ts";
import type { LaunchScope } from "./session.ts";
import { formatDeadline } from "./time.ts";

export interface CourseAdminOptions {
  api: ApiClient;
  root: HTMLElement;
  announce: (message: string) => void;
  /** Staff API keys may create courses; an LTI launch's staff work in the launch's course only. */
  administers: boolean;
  launch: LaunchScope | null;
}

const ROLES: readonly CourseRole[] = ["student", "ta", "instructor"];

/** datetime-local has no zone: the browser's own zone is meant, so the value is sent as ISO 8601 in UTC. */
const isoFromLocal = (value: string): string | undefined => (value ? new Date(value).toISOString() : undefined);

function labelled(id: string, label: string, control: HTMLElement): HTMLElement {
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), control);
}

const input = (name: string, type = "text", extra: Record<string, string | boolean> = {}) => h("input", { name, type, ...extra });

/**
 * Staff management of courses: members, assignments (dates, penalties, limits, release), a student's
 * extension, and the per-assignment gradebook with raw and penalized scores. A service without
 * courses (404) shows none of it.
 */
export async function mountCourseAdmin({ api, root, announce, administers, launch }: CourseAdminOptions): Promise<void> {
  let courses: Course[];
  try {
    courses = await api.courses();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return;
    throw error;
  }
  if (launch) courses = courses.filter((c) => c.id === launch.course);
  let course = launch?.course ?? courses.find((c) => c.id !== "default")?.id ?? courses[0]?.id ?? "default";
  let assignment = launch?.assignment ?? "default";
  let assignments: Assignment[] = [];

  const courseSelect = h("select", { id: "course-choice", disabled: launch !== null }, courses.map((c) => h("option", { value: c.id, selected: c.id === course }, `${c.title} (${c.id})`)));
  const assignmentSelect = h("select", { id: "assignment-admin-choice" });
  const membersSlot = h("div", { class: "table-scroll" });
  const assignmentsSlot = h("div", { class: "table-scroll" });
  const extensionsSlot = h("div", { class: "table-scroll" });
  const bookSlot = h("div", { class: "table-scroll" });

  /** A failed action is announced; the page stays usable. */
  const act = (what: string, task: () => Promise<void>) => (): void => {
    task().catch((error: unknown) => announce(`${what} failed: ${error instanceof ApiError ? error.message : String(error)}`));
  };

  const memberPrincipal = input("principal", "text", { required: true, autocomplete: "off" });
  const memberRole = h("select", { name: "role" }, ROLES.map((r) => h("option", { value: r }, r)));
  const memberForm = h("form", { class: "inline-form", "aria-label": "Add a member" }, labelled("member-principal", "Principal", memberPrincipal), labelled("member-role", "Role", memberRole), h("button", { type: "submit" }, "Add member"));
  memberForm.addEventListener("submit", (e) => {
    e.preventDefault();
    act("Adding the member", async () => {
      await api.putMember(course, memberPrincipal.value.trim(), memberRole.value as CourseRole);
      announce(`${memberPrincipal.value.trim()} is now ${memberRole.value} of ${course}.`);
      memberForm.reset();
      await loadMembers();
    })();
  });

  const f = {
    id: input("id", "text", { required: true, pattern: "[a-z0-9][a-z0-9_-]*" }),
    title: input("title"),
    exercises: input("exercises", "text", { placeholder: "all, or zero_pad,conv_forward" }),
    dueAt: input("dueAt", "datetime-local"),
    lateUntil: input("lateUntil", "datetime-local"),
    penalty: input("penalty", "number", { min: "0", max: "100", step: "any" }),
    unit: h("select", { name: "unit" }, h("option", { value: "day" }, "per started day"), h("option", { value: "hour" }, "per started hour")),
    maxPenalty: input("maxPenalty", "number", { min: "0", max: "100", step: "any" }),
    maxAttempts: input("maxAttempts", "number", { min: "1", step: "1" }),
    hiddenResults: h("select", { name: "hiddenResults" }, ["immediately", "after_due", "never"].map((v) => h("option", { value: v }, v))),
  };
  const assignmentForm = h(
    "form",
    { class: "inline-form", "aria-label": "Create or replace an assignment" },
    labelled("asg-id", "Id", f.id), labelled("asg-title", "Title", f.title), labelled("asg-exercises", "Exercises", f.exercises),
    labelled("asg-due", "Due (your time zone)", f.dueAt), labelled("asg-late", "Late until", f.lateUntil),
    labelled("asg-penalty", "Penalty %", f.penalty), labelled("asg-unit", "Unit", f.unit), labelled("asg-max-penalty", "At most %", f.maxPenalty),
    labelled("asg-attempts", "Attempts", f.maxAttempts), labelled("asg-hidden", "Hidden results", f.hiddenResults),
    h("button", { type: "submit", class: "primary" }, "Save assignment"),
  );
  assignmentForm.addEventListener("submit", (e) => {
    e.preventDefault();
    act("Saving the assignment", async () => {
      const exercises = f.exercises.value.trim();
      const penalty = f.penalty.value === "" ? undefined : Number(f.penalty.value);
      const body: AssignmentBody = {
        ...(f.title.value.trim() ? { title: f.title.value.trim() } : {}),
        ...(exercises && exercises !== "all" ? { exercises: exercises.split(",").map((x) => x.trim()) } : {}),
        ...(isoFromLocal(f.dueAt.value) ? { dueAt: isoFromLocal(f.dueAt.value)! } : {}),
        ...(isoFromLocal(f.lateUntil.value) ? { lateUntil: isoFromLocal(f.lateUntil.value)! } : {}),
        ...(penalty ? { latePenalty: { [f.unit.value === "hour" ? "percentPerHour" : "percentPerDay"]: penalty, maxPercent: f.maxPenalty.value === "" ? 100 : Number(f.maxPenalty.value) } } : {}),
        ...(f.maxAttempts.value ? { maxAttempts: Number(f.maxAttempts.value) } : {}),
        hiddenResults: f.hiddenResults.value as Assignment["hiddenResults"],
      };
      const saved = await api.putAssignment(course, f.id.value.trim(), body);
      assignment = saved.id;
      announce(`Assignment ${saved.id} saved.`);
      await loadAssignments();
    })();
  });

  const extStudent = input("student", "text", { required: true, autocomplete: "off" });
  const extDue = input("extDueAt", "datetime-local", { required: true });
  const extLate = input("extLateUntil", "datetime-local");
  const extensionForm = h(
    "form",
    { class: "inline-form", "aria-label": "Grant an extension" },
    labelled("ext-student", "Student", extStudent), labelled("ext-due", "New due date (your time zone)", extDue), labelled("ext-late", "Late until", extLate),
    h("button", { type: "submit", class: "primary" }, "Grant extension"),
  );
  extensionForm.addEventListener("submit", (e) => {
    e.preventDefault();
    act("Granting the extension", async () => {
      const lateUntil = isoFromLocal(extLate.value);
      await api.grantExtension(course, assignment, extStudent.value.trim(), { dueAt: isoFromLocal(extDue.value)!, ...(lateUntil ? { lateUntil } : {}) });
      announce(`Extension granted to ${extStudent.value.trim()} on ${assignment}.`);
      extensionForm.reset();
      await loadAssignmentParts();
    })();
  });

  async function loadMembers(): Promise<void> {
    const members = await api.members(course);
    replaceChildren(membersSlot, h("table", { class: "members" }, h("caption", {}, `Members of ${course}`),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "principal"), h("th", { scope: "col" }, "role"), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "actions")))),
      h("tbody", {}, members.length === 0 ? h("tr", {}, h("td", { colspan: 3 }, "No members yet.")) : null, members.map((m) => h("tr", {}, h("td", {}, m.principal), h("td", {}, m.role),
        h("td", { class: "actions" }, h("button", { type: "button", onclick: act("Removing the member", async () => { await api.removeMember(course, m.principal); await loadMembers(); }) }, "Remove", h("span", { class: "visually-hidden" }, ` ${m.principal}`))))))));
  }

  async function loadAssignments(): Promise<void> {
    assignments = await api.assignments(course);
    if (!assignments.some((a) => a.id === assignment)) assignment = assignments[0]?.id ?? "default";
    replaceChildren(assignmentSelect, assignments.map((a) => h("option", { value: a.id, selected: a.id === assignment }, `${a.title} (${a.id})`)));
    replaceChildren(assignmentsSlot, h("table", { class: "assignments" }, h("caption", {}, `Assignments of ${course}`),
      h("thead", {}, h("tr", {}, ["id", "title", "due", "late until", "penalty", "attempts", "hidden results"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, assignments.map((a) => h("tr", {}, h("td", {}, h("code", {}, a.id)), h("td", {}, a.title), h("td", {}, a.dueAt ? formatDeadline(a.dueAt) : "–"),
        h("td", {}, a.lateUntil ? formatDeadline(a.lateUntil) : "–"), h("td", {}, a.latePenalty ? penaltyText(a.latePenalty) : "–"), h("td", { class: "number" }, a.maxAttempts ? String(a.maxAttempts) : "∞"), h("td", {}, a.hiddenResults))))));
    await loadAssignmentParts();
  }

  async function loadAssignmentParts(): Promise<void> {
    const [extensions, book] = await Promise.all([api.extensions(course, assignment).catch(() => []), api.courseGradebook(course, assignment)]);
    replaceChildren(extensionsSlot, h("table", { class: "extensions" }, h("caption", {}, `Extensions on ${assignment}`),
      h("thead", {}, h("tr", {}, ["student", "due", "late until", "granted by"].map((t) => h("th", { scope: "col" }, t)), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "actions")))),
      h("tbody", {}, extensions.length === 0 ? h("tr", {}, h("td", { colspan: 5 }, "No extensions.")) : null, extensions.map((x) => h("tr", {}, h("td", {}, x.student), h("td", {}, formatDeadline(x.dueAt)),
        h("td", {}, x.lateUntil ? formatDeadline(x.lateUntil) : "–"), h("td", {}, x.grantedBy),
        h("td", { class: "actions" }, h("button", { type: "button", onclick: act("Revoking the extension", async () => { await api.revokeExtension(course, assignment, x.student); await loadAssignmentParts(); }) }, "Revoke", h("span", { class: "visually-hidden" }, ` extension of ${x.student}`))))))));
    renderBook(book);
  }

  function renderBook(book: CourseGradebook): void {
    const cell = (v: number | null | undefined) => (v === null || v === undefined ? "–" : formatScore(v));
    replaceChildren(bookSlot, h("table", { class: "gradebook course-gradebook" }, h("caption", {}, `Gradebook of ${assignment}: scores after late penalties, raw total beside (${book.students.length} ${book.students.length === 1 ? "student" : "students"})`),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "student"), book.exercises.map((id) => h("th", { scope: "col", class: "number" }, h("code", {}, id))), h("th", { scope: "col", class: "number" }, "total"), h("th", { scope: "col", class: "number" }, "raw"), h("th", { scope: "col", class: "number" }, "late"))),
      h("tbody", {}, book.students.length === 0 ? h("tr", {}, h("td", { colspan: book.exercises.length + 4 }, "No submissions yet.")) : null,
        book.students.map((row) => h("tr", {}, h("th", { scope: "row" }, row.student), book.exercises.map((id) => h("td", { class: "number" }, cell(row.scores[id]))),
          h("td", { class: "number" }, h("strong", {}, cell(row.total))), h("td", { class: "number" }, cell(row.rawTotal)), h("td", { class: "number" }, String(row.lateSubmissions ?? 0)))))));
  }

  courseSelect.addEventListener("change", () => act("Opening the course", async () => {
    course = courseSelect.value;
    assignment = "default";
    await Promise.all([loadMembers(), loadAssignments()]);
  })());
  assignmentSelect.addEventListener("change", () => act("Opening the assignment", async () => {
    assignment = assignmentSelect.value;
    await loadAssignmentParts();
  })());

  const newId = input("id", "text", { required: true, pattern: "[a-z0-9][a-z0-9_-]*" });
  const newTitle = input("title", "text", { required: true });
  const courseForm = h("form", { class: "inline-form", "aria-label": "Create a course" }, labelled("course-id", "Course id", newId), labelled("course-title", "Title", newTitle), h("button", { type: "submit" }, "Create course"));
  courseForm.addEventListener("submit", (e) => {
    e.preventDefault();
    act("Creating the course", async () => {
      await api.createCourse({ id: newId.value.trim(), title: newTitle.value.trim() });
      announce(`Course ${newId.value.trim()} created.`);
      courses = await api.courses();
      course = newId.value.trim();
      replaceChildren(courseSelect, courses.map((c) => h("option", { value: c.id, selected: c.id === course }, `${c.title} (${c.id})`)));
      courseForm.reset();
      await Promise.all([loadMembers(), loadAssignments()]);
    })();
  });

  replaceChildren(
    root,
    h("section", { class: "course-admin", "aria-labelledby": "courses-heading" },
      h("div", { class: "toolbar" }, h("h2", { id: "courses-heading" }, "Courses and assignments"), h("label", { for: "course-choice" }, "Course"), courseSelect, h("label", { for: "assignment-admin-choice" }, "Assignment"), assignmentSelect),
      administers ? courseForm : null,
      h("h3", {}, "Per-assignment gradebook"), bookSlot,
      h("h3", {}, "Extensions"), extensionsSlot, extensionForm,
      h("h3", {}, "Assignments"), assignmentsSlot, assignmentForm,
      h("h3", {}, "Members"), membersSlot, memberForm,
    ),
  );
  await Promise.all([loadMembers(), loadAssignments()]);
}
