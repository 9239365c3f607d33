import { randomBytes } from "node:crypto";
import type { Exercise } from "../../exercises/types.ts";
import { ApiError } from "../errors.ts";
import type { CourseStorage } from "../storage/course-types.ts";
import type { LtiRegistrationRecord } from "../storage/lti-types.ts";
import { assignmentFromForm } from "./deep-link-assignment.ts";
import { buildDeepLinkingResponse, parseExercisesCustom, signDeepLinkContext, verifyDeepLinkContext } from "./deep-linking.ts";
import type { Launch } from "./launch.ts";
import { courseForLaunch } from "./course-link.ts";
import { autoPostPage, deepLinkChoicePage, type Page } from "./pages.ts";
import type { ToolKeys } from "./tool-keys.ts";

export interface DeepLinkFlowDeps {
  readonly storage: CourseStorage;
  readonly exercises: readonly Exercise[];
  readonly currentKeys: () => Promise<ToolKeys>;
  readonly frameAncestors: readonly string[];
  /** The platform's gradebook column of this request, when it names one: its end date is offered as the due date. */
  readonly lineItemEndDate: (launch: Launch, registration: LtiRegistrationRecord) => Promise<number | null>;
}

/**
 * Deep linking: the instructor's request becomes a form (exercises, deadline and limits) in the
 * context's course; the posted form becomes an assignment of that course and a signed response
 * whose line item has the assignment's maximum and due date.
 */
export function createDeepLinkFlow(deps: DeepLinkFlowDeps) {
  const catalogueIds = deps.exercises.map((e) => e.id);

  async function requestPage(input: { registration: LtiRegistrationRecord; launch: Launch; principal: string; action: string; now: number }): Promise<Page> {
    const { registration, launch } = input;
    if (launch.contextId === null) {
      throw new ApiError(400, "validation_error", "deep linking needs the request's course context (the context claim) to put the assignment in", { field: "context" });
    }
    const { course, role } = await courseForLaunch(deps.storage, launch, input.principal, input.now);
    if (role === "student") throw new ApiError(403, "forbidden", "only the course's instructors and TAs add autograde links");
    const contextToken = await signDeepLinkContext(await deps.currentKeys(), {
      registrationId: registration.id,
      issuer: registration.issuer,
      clientId: registration.clientId,
      deploymentId: launch.deploymentId,
      deepLinkReturnUrl: launch.deepLinkReturnUrl!,
      ...(launch.deepLinkData !== null ? { data: launch.deepLinkData } : {}),
      course,
    }, { expiresInSeconds: 3600 });
    const defaultDue = await deps.lineItemEndDate(launch, registration);
    const total = deps.exercises.reduce((sum, e) => sum + e.points, 0);
    return deepLinkChoicePage({
      action: input.action,
      contextToken,
      choices: [
        { value: "all", label: `All ${deps.exercises.length} exercises`, points: total },
        ...deps.exercises.map((e) => ({ value: e.id, label: `${e.id}: ${e.title}`, points: e.points })),
      ],
      frameAncestors: deps.frameAncestors,
      assignment: { defaultDueAt: defaultDue === null ? null : new Date(defaultDue).toISOString() },
    });
  }

  async function respond(input: { body: Record<string, unknown>; context: string; exercises: string; launchUrl: string; now: number }): Promise<Page> {
    const keys = await deps.currentKeys();
    const context = await verifyDeepLinkContext(keys, input.context);
    if (!context.ok) throw new ApiError(400, "invalid_deep_link_context", context.message, { reason: context.reason });
    const selection = parseExercisesCustom(input.exercises, catalogueIds);
    if (!selection.ok) throw new ApiError(400, "validation_error", selection.message, { field: "exercises" });
    const chosen = selection.exercises === null ? deps.exercises : deps.exercises.filter((e) => selection.exercises!.includes(e.id));
    const title = selection.exercises === null ? "autograde: convolution and pooling exercises" : `autograde: ${chosen.map((e) => e.id).join(", ")}`;
    const course = context.ctx.course;
    let assignment: { course: string; id: string; title: string; dueAt: number | null } | undefined;
    if (course !== undefined) {
      const id = `lti-${randomBytes(6).toString("hex")}`;
      const policy = assignmentFromForm(input.body, id, selection.exercises, title);
      if (!policy.ok) throw new ApiError(400, "validation_error", policy.message, { field: policy.field });
      if (!(await deps.storage.getCourse(course))) throw new ApiError(400, "unknown_course", `course ${course} no longer exists`, { field: "course" });
      await deps.storage.putAssignment({ ...policy.policy, course, id, updatedAt: input.now });
      assignment = { course, id, title: policy.policy.title, dueAt: policy.policy.dueAt };
    }
    const jwt = await buildDeepLinkingResponse({
      toolKeys: keys,
      ctx: context.ctx,
      items: [{
        title: assignment?.title ?? title,
        url: input.launchUrl,
        scoreMaximum: chosen.reduce((sum, e) => sum + e.points, 0),
        resourceId: assignment ? `${assignment.course}/${assignment.id}` : selection.exercises === null ? "all" : selection.exercises.join(","),
        exercises: selection.exercises,
        ...(assignment ? { assignment } : {}),
      }],
    });
    return autoPostPage({ action: context.ctx.deepLinkReturnUrl, fields: { JWT: jwt }, title: "Returning to the course", frameAncestors: deps.frameAncestors });
  }

  return { requestPage, respond };
}
export type DeepLinkFlow = ReturnType<typeof createDeepLinkFlow>;
