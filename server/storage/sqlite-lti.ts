import { randomBytes, randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import { LTI_PUBLICATION_COLUMNS, LtiStudentTakenError, LOGIN_STATE_COLUMNS, lineItemValues, loginStateValues, registrationValues, toLineItem, toLoginState, toLtiSession, toLtiUser, toPublication, toRegistration, toStoredToolKeys } from "./lti-rows.ts";
import type { LtiStorage } from "./lti-types.ts";
import type { Row } from "./rows.ts";

/** The LTI half of the SQLite storage, over the database openSqliteStorage opened and migrated. */
export function createSqliteLtiStorage(db: Database.Database): LtiStorage {
  const stmt = {
    insertRegistration: db.prepare(`INSERT INTO lti_registrations
      (id, issuer, client_id, deployment_ids, auth_login_url, auth_token_url, jwks_url, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (issuer, client_id) DO NOTHING RETURNING *`),
    registrations: db.prepare("SELECT * FROM lti_registrations ORDER BY created_at, id"),
    registration: db.prepare("SELECT * FROM lti_registrations WHERE id = ?"),
    findRegistrations: db.prepare(`SELECT * FROM lti_registrations
      WHERE issuer = @issuer AND (@clientId IS NULL OR client_id = @clientId) ORDER BY created_at, id`),
    setDeployments: db.prepare("UPDATE lti_registrations SET deployment_ids = ? WHERE id = ? RETURNING *"),
    deleteRegistration: db.prepare("DELETE FROM lti_registrations WHERE id = ?"),
    dropExpiredStates: db.prepare("DELETE FROM lti_login_states WHERE expires_at <= ?"),
    insertState: db.prepare(`INSERT INTO lti_login_states (state, ${LOGIN_STATE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`),
    takeState: db.prepare(`DELETE FROM lti_login_states WHERE state = ? RETURNING ${LOGIN_STATE_COLUMNS}`),
    findState: db.prepare(`SELECT ${LOGIN_STATE_COLUMNS} FROM lti_login_states WHERE state = ? AND expires_at > ?`),
    toolKeys: db.prepare("SELECT keys, version FROM tool_keys WHERE id = 1"),
    insertToolKeys: db.prepare("INSERT INTO tool_keys (id, keys, version) VALUES (1, ?, 1) ON CONFLICT (id) DO NOTHING"),
    updateToolKeys: db.prepare("UPDATE tool_keys SET keys = ?, version = version + 1 WHERE id = 1 AND version = ?"),
    upsertUser: db.prepare(`INSERT INTO lti_users (user_key, student, issuer, subject, name, email, created_at, last_launch_at)
      VALUES (@userKey, @student, @issuer, @subject, @name, @email, @now, @now)
      ON CONFLICT (user_key) DO UPDATE SET name = excluded.name, email = excluded.email, last_launch_at = excluded.last_launch_at
      RETURNING *`),
    users: db.prepare("SELECT * FROM lti_users ORDER BY created_at, user_key"),
    dropExpiredSessions: db.prepare("DELETE FROM lti_sessions WHERE expires_at <= ?"),
    insertSession: db.prepare(`INSERT INTO lti_sessions (id, token_hash, student, role, user_key, expires_at, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    sessionByHash: db.prepare("SELECT * FROM lti_sessions WHERE token_hash = ?"),
    deleteSession: db.prepare("DELETE FROM lti_sessions WHERE id = ?"),
    upsertLineItem: db.prepare(`INSERT INTO lti_line_items
      (student, line_item_url, registration_id, platform_user_id, exercises, resource_link_id, context_id, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (student, line_item_url) DO UPDATE SET registration_id = excluded.registration_id,
        platform_user_id = excluded.platform_user_id, exercises = excluded.exercises,
        resource_link_id = excluded.resource_link_id, context_id = excluded.context_id, updated_at = excluded.updated_at`),
    lineItems: db.prepare("SELECT * FROM lti_line_items WHERE student = ? ORDER BY updated_at, line_item_url"),
    insertPublication: db.prepare(`INSERT INTO lti_publications (${LTI_PUBLICATION_COLUMNS})
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, NULL, NULL, ?, ?) RETURNING *`),
    updatePublication: db.prepare(`UPDATE lti_publications
      SET state = @state, attempts = @attempts, status_code = @statusCode, error = @error, updated_at = @now WHERE id = @id`),
    publications: db.prepare(`SELECT * FROM lti_publications
      WHERE (@student IS NULL OR student = @student)
        AND (@submissionId IS NULL OR submission_id = @submissionId)
        AND (@state IS NULL OR state = @state)
      ORDER BY created_at DESC, seq DESC LIMIT @limit`),
  };

  const saveToolKeys = db.transaction((json: string, expectedVersion: number | null): boolean =>
    expectedVersion === null ? stmt.insertToolKeys.run(json).changes > 0 : stmt.updateToolKeys.run(json, expectedVersion).changes > 0,
  );

  const saveLoginState = db.transaction((values: unknown[], now: number) => {
    stmt.dropExpiredStates.run(now);
    stmt.insertState.run(...values);
  });

  const createSession = db.transaction((input: Parameters<LtiStorage["createLtiSession"]>[0]) => {
    stmt.dropExpiredSessions.run(input.now);
    stmt.insertSession.run(input.id, input.tokenHash, input.student, input.role, input.userKey, input.expiresAt, input.now);
  });

  return {
    async createLtiRegistration(input) {
      const id = `reg_${randomBytes(8).toString("hex")}`;
      const row = stmt.insertRegistration.get(...registrationValues(id, input)) as Row | undefined;
      return row ? toRegistration(row) : "duplicate";
    },
    async listLtiRegistrations() {
      return (stmt.registrations.all() as Row[]).map(toRegistration);
    },
    async getLtiRegistration(id) {
      const row = stmt.registration.get(id) as Row | undefined;
      return row ? toRegistration(row) : null;
    },
    async findLtiRegistrations(issuer, clientId) {
      return (stmt.findRegistrations.all({ issuer, clientId: clientId ?? null }) as Row[]).map(toRegistration);
    },
    async setLtiDeployments(id, deploymentIds) {
      const row = stmt.setDeployments.get(JSON.stringify(deploymentIds), id) as Row | undefined;
      return row ? toRegistration(row) : null;
    },
    async deleteLtiRegistration(id) {
      return stmt.deleteRegistration.run(id).changes > 0;
    },

    async saveLtiLoginState(state, value, now) {
      saveLoginState.immediate(loginStateValues(state, value), now);
    },
    async takeLtiLoginState(state, now) {
      // Deleted even when expired: a stale state is as used up as a taken one.
      const row = stmt.takeState.get(state) as Row | undefined;
      if (!row) return null;
      const taken = toLoginState(row);
      return taken.expiresAt > now ? taken : null;
    },
    async findLtiLoginState(state, now) {
      const row = stmt.findState.get(state, now) as Row | undefined;
      return row ? toLoginState(row) : null;
    },

    async loadToolKeys() {
      const row = stmt.toolKeys.get() as Row | undefined;
      return row ? toStoredToolKeys(row) : null;
    },
    async saveToolKeys(keys, expectedVersion) {
      return saveToolKeys.immediate(JSON.stringify(keys), expectedVersion);
    },

    async upsertLtiUser(input) {
      try {
        return toLtiUser(stmt.upsertUser.get(input) as Row);
      } catch (err) {
        if (isUniqueViolation(err, "lti_users.student")) throw new LtiStudentTakenError(input.student, input.userKey);
        throw err;
      }
    },
    async listLtiUsers() {
      return (stmt.users.all() as Row[]).map(toLtiUser);
    },

    async createLtiSession(input) {
      createSession.immediate(input);
    },
    async findLtiSession(tokenHash, now) {
      const row = stmt.sessionByHash.get(tokenHash) as Row | undefined;
      if (!row) return null;
      const session = toLtiSession(row);
      if (session.expiresAt > now) return session;
      stmt.deleteSession.run(session.id);
      return null;
    },

    async upsertLtiLineItem(link) {
      stmt.upsertLineItem.run(...lineItemValues(link));
    },
    async listLtiLineItems(student) {
      return (stmt.lineItems.all(student) as Row[]).map(toLineItem);
    },

    async createLtiPublication(input) {
      const row = stmt.insertPublication.get(randomUUID(), input.student, input.registrationId, input.lineItemUrl, input.submissionId,
        input.gradingAttempt, input.scoreGiven, input.scoreMaximum, input.createdAt, input.createdAt) as Row;
      return toPublication(row);
    },
    async updateLtiPublication(id, update) {
      stmt.updatePublication.run({ id, ...update });
    },
    async listLtiPublications(filter) {
      const rows = stmt.publications.all({
        student: filter.student ?? null,
        submissionId: filter.submissionId ?? null,
        state: filter.state ?? null,
        limit: filter.limit,
      }) as Row[];
      return rows.map(toPublication);
    },
  };
}

function isUniqueViolation(err: unknown, column: string): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === "SQLITE_CONSTRAINT_UNIQUE" && err.message.includes(column);
}
