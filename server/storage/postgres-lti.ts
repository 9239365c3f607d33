import { randomBytes, randomUUID } from "node:crypto";
import type pg from "pg";
import { LTI_PUBLICATION_COLUMNS, LtiStudentTakenError, LOGIN_STATE_COLUMNS, lineItemValues, loginStateValues, registrationValues, toLineItem, toLoginState, toLtiSession, toLtiUser, toPublication, toRegistration, toStoredToolKeys } from "./lti-rows.ts";
import type { LtiStorage } from "./lti-types.ts";
import type { Row } from "./rows.ts";

/**
 * The LTI half of the PostgreSQL storage, over the pool openPostgresStorage migrated. Every
 * single-use or compare-and-set step is one statement, so concurrent API processes need no locks.
 */
export function createPostgresLtiStorage(pool: pg.Pool): LtiStorage {
  const rows = async (text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as Row[];

  return {
    async createLtiRegistration(input) {
      const id = `reg_${randomBytes(8).toString("hex")}`;
      const [row] = await rows(
        `INSERT INTO lti_registrations (id, issuer, client_id, deployment_ids, auth_login_url, auth_token_url, jwks_url, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (issuer, client_id) DO NOTHING RETURNING *`,
        registrationValues(id, input),
      );
      return row ? toRegistration(row) : "duplicate";
    },
    async listLtiRegistrations() {
      return (await rows("SELECT * FROM lti_registrations ORDER BY created_at, id")).map(toRegistration);
    },
    async getLtiRegistration(id) {
      const [row] = await rows("SELECT * FROM lti_registrations WHERE id = $1", [id]);
      return row ? toRegistration(row) : null;
    },
    async findLtiRegistrations(issuer, clientId) {
      const found = await rows(
        "SELECT * FROM lti_registrations WHERE issuer = $1 AND ($2::text IS NULL OR client_id = $2) ORDER BY created_at, id",
        [issuer, clientId ?? null],
      );
      return found.map(toRegistration);
    },
    async setLtiDeployments(id, deploymentIds) {
      const [row] = await rows("UPDATE lti_registrations SET deployment_ids = $1 WHERE id = $2 RETURNING *", [JSON.stringify(deploymentIds), id]);
      return row ? toRegistration(row) : null;
    },
    async deleteLtiRegistration(id) {
      return ((await pool.query("DELETE FROM lti_registrations WHERE id = $1", [id])).rowCount ?? 0) > 0;
    },

    async saveLtiLoginState(state, value, now) {
      await pool.query("DELETE FROM lti_login_states WHERE expires_at <= $1", [now]);
      await pool.query(`INSERT INTO lti_login_states (state, ${LOGIN_STATE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, loginStateValues(state, value));
    },
    async takeLtiLoginState(state, now) {
      // Deleted even when expired: a stale state is as used up as a taken one.
      const [row] = await rows(`DELETE FROM lti_login_states WHERE state = $1 RETURNING ${LOGIN_STATE_COLUMNS}`, [state]);
      if (!row) return null;
      const taken = toLoginState(row);
      return taken.expiresAt > now ? taken : null;
    },
    async findLtiLoginState(state, now) {
      const [row] = await rows(`SELECT ${LOGIN_STATE_COLUMNS} FROM lti_login_states WHERE state = $1 AND expires_at > $2`, [state, now]);
      return row ? toLoginState(row) : null;
    },

    async loadToolKeys() {
      const [row] = await rows("SELECT keys, version FROM tool_keys WHERE id = 1");
      return row ? toStoredToolKeys(row) : null;
    },
    async saveToolKeys(keys, expectedVersion) {
      const json = JSON.stringify(keys);
      const result = expectedVersion === null
        ? await pool.query("INSERT INTO tool_keys (id, keys, version) VALUES (1, $1, 1) ON CONFLICT (id) DO NOTHING", [json])
        : await pool.query("UPDATE tool_keys SET keys = $1, version = version + 1 WHERE id = 1 AND version = $2", [json, expectedVersion]);
      return (result.rowCount ?? 0) > 0;
    },

    async upsertLtiUser(input) {
      try {
        const [row] = await rows(
          `INSERT INTO lti_users (user_key, student, issuer, subject, name, email, created_at, last_launch_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
           ON CONFLICT (user_key) DO UPDATE SET name = excluded.name, email = excluded.email, last_launch_at = excluded.last_launch_at
           RETURNING *`,
          [input.userKey, input.student, input.issuer, input.subject, input.name, input.email, input.now],
        );
        return toLtiUser(row!);
      } catch (err) {
        if (isUniqueViolation(err, "lti_users_student_key")) throw new LtiStudentTakenError(input.student, input.userKey);
        throw err;
      }
    },
    async listLtiUsers() {
      return (await rows("SELECT * FROM lti_users ORDER BY created_at, user_key")).map(toLtiUser);
    },

    async createLtiSession(input) {
      await pool.query("DELETE FROM lti_sessions WHERE expires_at <= $1", [input.now]);
      await pool.query(
        "INSERT INTO lti_sessions (id, token_hash, student, role, user_key, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [input.id, input.tokenHash, input.student, input.role, input.userKey, input.expiresAt, input.now],
      );
    },
    async findLtiSession(tokenHash, now) {
      const [row] = await rows("SELECT * FROM lti_sessions WHERE token_hash = $1", [tokenHash]);
      if (!row) return null;
      const session = toLtiSession(row);
      if (session.expiresAt > now) return session;
      await pool.query("DELETE FROM lti_sessions WHERE id = $1", [session.id]);
      return null;
    },

    async upsertLtiLineItem(link) {
      await pool.query(
        `INSERT INTO lti_line_items
           (student, line_item_url, registration_id, platform_user_id, exercises, resource_link_id, context_id, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (student, line_item_url) DO UPDATE SET registration_id = excluded.registration_id,
           platform_user_id = excluded.platform_user_id, exercises = excluded.exercises,
           resource_link_id = excluded.resource_link_id, context_id = excluded.context_id, updated_at = excluded.updated_at`,
        lineItemValues(link),
      );
    },
    async listLtiLineItems(student) {
      return (await rows("SELECT * FROM lti_line_items WHERE student = $1 ORDER BY updated_at, line_item_url", [student])).map(toLineItem);
    },

    async createLtiPublication(input) {
      const [row] = await rows(
        `INSERT INTO lti_publications (${LTI_PUBLICATION_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, NULL, NULL, $9, $9) RETURNING *`,
        [randomUUID(), input.student, input.registrationId, input.lineItemUrl, input.submissionId,
          input.gradingAttempt, input.scoreGiven, input.scoreMaximum, input.createdAt],
      );
      return toPublication(row!);
    },
    async updateLtiPublication(id, update) {
      await pool.query(
        "UPDATE lti_publications SET state = $1, attempts = $2, status_code = $3, error = $4, updated_at = $5 WHERE id = $6",
        [update.state, update.attempts, update.statusCode, update.error, update.now, id],
      );
    },
    async listLtiPublications(filter) {
      const found = await rows(
        `SELECT * FROM lti_publications
         WHERE ($1::text IS NULL OR student = $1)
           AND ($2::text IS NULL OR submission_id = $2)
           AND ($3::text IS NULL OR state = $3)
         ORDER BY created_at DESC, seq DESC LIMIT $4`,
        [filter.student ?? null, filter.submissionId ?? null, filter.state ?? null, filter.limit],
      );
      return found.map(toPublication);
    },
  };
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const pgError = err as { code?: unknown; constraint?: unknown };
  return pgError?.code === "23505" && pgError.constraint === constraint;
}
