import type { ExerciseId } from "../../exercises/types.ts";
import type { ApiRole } from "../config.ts";
import type { PlatformRegistration } from "../lti/registration.ts";
import type { ExportedToolKeys } from "../lti/tool-keys.ts";

/**
 * What LTI 1.3 needs stored, in both storages (SQLite and PostgreSQL). Several API processes may
 * serve launches for one database, so every single-use or shared item (login state, tool keys)
 * lives here rather than in memory. Times are epoch milliseconds.
 */
export interface LtiRegistrationRecord extends PlatformRegistration {
  readonly id: string;
  readonly createdAt: number;
}

/**
 * A login bound to the browser through the platform's postMessage storage: the login page put a
 * secret there under a key derived from the state, and only the launch page that reads it back
 * from the same browser's LMS window may complete the launch. Only the secret's SHA-256 is kept.
 */
export interface LtiPlatformStorageBinding {
  /** `lti_storage_target` from the login initiation: the LMS frame answering the postMessages. */
  readonly target: string;
  readonly valueHash: string;
}

export interface LtiLoginState {
  readonly nonce: string;
  readonly registrationId: string;
  readonly expiresAt: number;
  /** Null: the platform offered no storage, so the state is bound to nothing (the fallback). */
  readonly platformStorage: LtiPlatformStorageBinding | null;
}

export interface StoredToolKeys {
  readonly keys: ExportedToolKeys;
  /** Bumped by every save: processes compare it to know when to reload their signing keys. */
  readonly version: number;
}

export interface LtiUserRecord {
  /** issuer + "#" + sub: a sub is only unique within its issuer. */
  readonly userKey: string;
  /** The principal name the user's submissions are filed under (safe alphabet, see principalName). */
  readonly student: string;
  readonly issuer: string;
  readonly subject: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly createdAt: number;
  readonly lastLaunchAt: number;
}

export interface LtiSessionRecord {
  readonly id: string;
  readonly student: string;
  readonly role: ApiRole;
  readonly userKey: string;
  readonly expiresAt: number;
}

/** A gradebook column in the LMS that one student's scores flow to (from the launch's AGS claim). */
export interface LtiLineItemLink {
  readonly student: string;
  readonly registrationId: string;
  readonly lineItemUrl: string;
  /** The platform's user id (the launch's `sub`): AGS scores name users by it. */
  readonly platformUserId: string;
  /** The exercises this line item grades; null: all of them. */
  readonly exercises: readonly ExerciseId[] | null;
  readonly resourceLinkId: string | null;
  readonly contextId: string | null;
  readonly updatedAt: number;
}

export type LtiPublicationState = "pending" | "published" | "failed";

export interface LtiPublicationRecord {
  readonly id: string;
  readonly student: string;
  readonly registrationId: string;
  readonly lineItemUrl: string;
  /** The grading that triggered it. */
  readonly submissionId: string;
  readonly gradingAttempt: number;
  readonly scoreGiven: number;
  readonly scoreMaximum: number;
  readonly state: LtiPublicationState;
  /** HTTP attempts made so far. */
  readonly attempts: number;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface LtiPublicationFilter {
  readonly student?: string;
  readonly submissionId?: string;
  readonly state?: LtiPublicationState;
  /** Newest first. */
  readonly limit: number;
}

export interface LtiStorage {
  /** "duplicate" when (issuer, clientId) is already registered. */
  createLtiRegistration(input: PlatformRegistration & { readonly now: number }): Promise<LtiRegistrationRecord | "duplicate">;
  listLtiRegistrations(): Promise<LtiRegistrationRecord[]>;
  getLtiRegistration(id: string): Promise<LtiRegistrationRecord | null>;
  /** By issuer, and by client id when given; a platform may hold several registrations of the tool. */
  findLtiRegistrations(issuer: string, clientId?: string): Promise<LtiRegistrationRecord[]>;
  /** Replaces the deployment ids (a platform admin added a deployment); null when unknown. */
  setLtiDeployments(id: string, deploymentIds: readonly string[]): Promise<LtiRegistrationRecord | null>;
  /** Removes the registration; its line item links stop receiving scores. False when unknown. */
  deleteLtiRegistration(id: string): Promise<boolean>;

  /** Stores one login's state and nonce; also discards states that expired before `now`. */
  saveLtiLoginState(state: string, value: LtiLoginState, now: number): Promise<void>;
  /** Deletes and returns the state: single use, so a replayed launch finds nothing. Null when unknown or expired. */
  takeLtiLoginState(state: string, now: number): Promise<LtiLoginState | null>;
  /** The state without using it up (the launch page must first read the platform storage back). */
  findLtiLoginState(state: string, now: number): Promise<LtiLoginState | null>;

  loadToolKeys(): Promise<StoredToolKeys | null>;
  /**
   * Compare-and-set on the version: stores (version + 1, or 1 when none) only if the stored version
   * is still `expectedVersion` (null: nothing stored yet). False when another process saved first.
   */
  saveToolKeys(keys: ExportedToolKeys, expectedVersion: number | null): Promise<boolean>;

  /** Creates the user on first launch (student = `student` given), refreshes name/email/lastLaunchAt after. */
  upsertLtiUser(input: Omit<LtiUserRecord, "createdAt" | "lastLaunchAt"> & { readonly now: number }): Promise<LtiUserRecord>;
  listLtiUsers(): Promise<LtiUserRecord[]>;

  /** The secret itself is never stored: only its SHA-256. */
  createLtiSession(input: {
    readonly id: string;
    readonly tokenHash: string;
    readonly student: string;
    readonly role: ApiRole;
    readonly userKey: string;
    readonly expiresAt: number;
    readonly now: number;
  }): Promise<void>;
  /** Null when unknown or expired; also discards sessions that expired before `now`, now and then. */
  findLtiSession(tokenHash: string, now: number): Promise<LtiSessionRecord | null>;

  /** Keyed by (student, lineItemUrl): a second launch of the same link updates it. */
  upsertLtiLineItem(link: LtiLineItemLink): Promise<void>;
  /** The student's links whose registration still exists. */
  listLtiLineItems(student: string): Promise<LtiLineItemLink[]>;

  createLtiPublication(input: Omit<LtiPublicationRecord, "id" | "state" | "attempts" | "statusCode" | "error" | "updatedAt">): Promise<LtiPublicationRecord>;
  updateLtiPublication(id: string, update: {
    readonly state: LtiPublicationState;
    readonly attempts: number;
    readonly statusCode: number | null;
    readonly error: string | null;
    readonly now: number;
  }): Promise<void>;
  listLtiPublications(filter: LtiPublicationFilter): Promise<LtiPublicationRecord[]>;
}
