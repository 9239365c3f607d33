import type { ExerciseId } from "../../exercises/types.ts";
import type { ApiRole } from "../config.ts";
import type { PlatformRegistration } from "../lti/registration.ts";
import type { ExportedToolKeys } from "../lti/tool-keys.ts";
import type {
  LtiLineItemLink,
  LtiLoginState,
  LtiPublicationRecord,
  LtiPublicationState,
  LtiRegistrationRecord,
  LtiSessionRecord,
  LtiUserRecord,
  StoredToolKeys,
} from "./lti-types.ts";
import type { Row } from "./rows.ts";

/** LTI rows (SQLite or PostgreSQL: BIGINT arrives as a string, hence Number everywhere) to records. */

const nullableString = (value: unknown): string | null => (value == null ? null : String(value));

export const toRegistration = (row: Row): LtiRegistrationRecord => ({
  id: String(row.id),
  issuer: String(row.issuer),
  clientId: String(row.client_id),
  deploymentIds: JSON.parse(String(row.deployment_ids)) as string[],
  authLoginUrl: String(row.auth_login_url),
  authTokenUrl: String(row.auth_token_url),
  jwksUrl: String(row.jwks_url),
  createdAt: Number(row.created_at),
});

export const LOGIN_STATE_COLUMNS = "nonce, registration_id, expires_at, storage_target, storage_value_hash";

export const toLoginState = (row: Row): LtiLoginState => ({
  nonce: String(row.nonce),
  registrationId: String(row.registration_id),
  expiresAt: Number(row.expires_at),
  platformStorage: row.storage_target == null ? null : { target: String(row.storage_target), valueHash: String(row.storage_value_hash) },
});

export const loginStateValues = (state: string, value: LtiLoginState): unknown[] => [
  state,
  value.nonce,
  value.registrationId,
  value.expiresAt,
  value.platformStorage?.target ?? null,
  value.platformStorage?.valueHash ?? null,
];

// Written only by saveToolKeys from an export; createToolKeys validates it again when loading.
export const toStoredToolKeys = (row: Row): StoredToolKeys => ({
  keys: JSON.parse(String(row.keys)) as ExportedToolKeys,
  version: Number(row.version),
});

export const toLtiUser = (row: Row): LtiUserRecord => ({
  userKey: String(row.user_key),
  student: String(row.student),
  issuer: String(row.issuer),
  subject: String(row.subject),
  name: nullableString(row.name),
  email: nullableString(row.email),
  createdAt: Number(row.created_at),
  lastLaunchAt: Number(row.last_launch_at),
});

export const toLtiSession = (row: Row): LtiSessionRecord => ({
  id: String(row.id),
  student: String(row.student),
  role: row.role as ApiRole,
  userKey: String(row.user_key),
  expiresAt: Number(row.expires_at),
});

export const toLineItem = (row: Row): LtiLineItemLink => ({
  student: String(row.student),
  registrationId: String(row.registration_id),
  lineItemUrl: String(row.line_item_url),
  platformUserId: String(row.platform_user_id),
  exercises: row.exercises == null ? null : (JSON.parse(String(row.exercises)) as ExerciseId[]),
  resourceLinkId: nullableString(row.resource_link_id),
  contextId: nullableString(row.context_id),
  updatedAt: Number(row.updated_at),
});

export const toPublication = (row: Row): LtiPublicationRecord => ({
  id: String(row.id),
  student: String(row.student),
  registrationId: String(row.registration_id),
  lineItemUrl: String(row.line_item_url),
  submissionId: String(row.submission_id),
  gradingAttempt: Number(row.grading_attempt),
  scoreGiven: Number(row.score_given),
  scoreMaximum: Number(row.score_maximum),
  state: row.state as LtiPublicationState,
  attempts: Number(row.attempts),
  statusCode: row.status_code == null ? null : Number(row.status_code),
  error: nullableString(row.error),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

/** Values in column order for the INSERT statements of both storages. */
export const registrationValues = (id: string, r: PlatformRegistration & { readonly now: number }) =>
  [id, r.issuer, r.clientId, JSON.stringify(r.deploymentIds), r.authLoginUrl, r.authTokenUrl, r.jwksUrl, r.now];

export const lineItemValues = (link: LtiLineItemLink) =>
  [link.student, link.lineItemUrl, link.registrationId, link.platformUserId, link.exercises === null ? null : JSON.stringify(link.exercises),
    link.resourceLinkId, link.contextId, link.updatedAt];

export const LTI_PUBLICATION_COLUMNS =
  "id, student, registration_id, line_item_url, submission_id, grading_attempt, score_given, score_maximum, state, attempts, status_code, error, created_at, updated_at";

/** A user's student name is unique: two platform users mapped to one name is a caller bug, named plainly. */
export class LtiStudentTakenError extends Error {
  override name = "LtiStudentTakenError";
  constructor(student: string, userKey: string) {
    super(`LTI student name "${student}" already belongs to another user than ${userKey}`);
  }
}
