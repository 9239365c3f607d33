/**
 * The one schema of both storages. An entry is written once for both dialects; a `${...}` in it
 * is a piece that differs by dialect (a type from `t`, or an `only` text). An entry that exists in
 * one dialect alone names it in `only`.
 *
 * Applied in order at open. Each dialect counts only its own entries (SQLite in PRAGMA
 * user_version, PostgreSQL in autograde_schema), so a dialect-only entry does not move the other
 * dialect's count. Never edit a shipped entry: old databases are upgraded by that count, and
 * schema.test.ts checks that the list still builds what shipped (fixtures/shipped-migrations.json).
 * JSON stays in TEXT columns in both dialects, so both share one row mapping (rows.ts).
 */
export type Dialect = "sqlite" | "postgres";

/** A piece of SQL that reads differently per dialect. */
export type DialectText = Readonly<Record<Dialect, string>>;

/** The types that differ. Times are epoch milliseconds, which need 64 bits (SQLite's INTEGER has them). */
export const t = {
  int64: { sqlite: "INTEGER", postgres: "BIGINT" },
  float: { sqlite: "REAL", postgres: "DOUBLE PRECISION" },
  /** A 64-bit key the database numbers in insertion order. */
  serialKey: { sqlite: "INTEGER PRIMARY KEY AUTOINCREMENT", postgres: "BIGSERIAL PRIMARY KEY" },
} as const satisfies Record<string, DialectText>;

/** Text present in one dialect only, inside an entry both share. */
export const only = (dialect: Dialect, text: string): DialectText =>
  ({ sqlite: "", postgres: "", [dialect]: text }) as DialectText;

export interface Migration {
  /** Absent: both dialects. */
  readonly only?: Dialect;
  readonly render: (dialect: Dialect) => string;
}

function sql(strings: TemplateStringsArray, ...pieces: DialectText[]): (dialect: Dialect) => string {
  return (dialect) => strings.reduce((out, text, i) => out + text + (i < pieces.length ? pieces[i]![dialect] : ""), "");
}

const MIGRATIONS: readonly Migration[] = [
  {
    render: sql`
  CREATE TABLE submissions (
    seq ${t.serialKey},
    id TEXT NOT NULL UNIQUE,
    student TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    source TEXT NOT NULL,
    exercises TEXT,
    callback_url TEXT,
    idempotency_key TEXT,
    request_hash TEXT NOT NULL,
    created_at ${t.int64} NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    UNIQUE (submitted_by, idempotency_key)
  );
  CREATE INDEX submissions_by_student ON submissions (student, seq);
  CREATE INDEX submissions_by_time ON submissions (created_at);

  CREATE TABLE jobs (
    id ${t.serialKey},
    submission_id TEXT NOT NULL UNIQUE REFERENCES submissions (id),
    attempt INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running')),
    lease_token TEXT,${only("sqlite", `
    lease_expires_at INTEGER,`)}
    claims INTEGER NOT NULL DEFAULT 0,
    enqueued_at ${t.int64} NOT NULL
  );
  CREATE INDEX jobs_by_state ON jobs (state${only("sqlite", ", id")});

  CREATE TABLE gradings (
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('graded', 'error')),
    report TEXT,
    error TEXT,
    score ${t.float},
    max_score ${t.float},
    started_at ${t.int64} NOT NULL,
    finished_at ${t.int64} NOT NULL,
    webhook_state TEXT CHECK (webhook_state IN ('pending', 'delivered', 'failed')),
    PRIMARY KEY (submission_id, attempt)
  );
  CREATE INDEX gradings_webhook_pending ON gradings (webhook_state) WHERE webhook_state = 'pending';

  CREATE TABLE exercise_scores (
    submission_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    exercise_id TEXT NOT NULL,
    score ${t.float} NOT NULL,
    max_score ${t.float} NOT NULL,
    PRIMARY KEY (submission_id, attempt, exercise_id),
    FOREIGN KEY (submission_id, attempt) REFERENCES gradings (submission_id, attempt)
  );

  CREATE TABLE deliveries (
    id ${t.serialKey},
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    grading_attempt INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    url TEXT NOT NULL,
    status_code INTEGER,
    error TEXT,
    at ${t.int64} NOT NULL,
    duration_ms INTEGER NOT NULL
  );
  CREATE INDEX deliveries_by_submission ON deliveries (submission_id, id);

  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('staff', 'student')),
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at ${t.int64} NOT NULL,
    revoked_at ${t.int64}
  );
  `,
  },
  // LTI 1.3: registrations, single-use login states, the shared tool keys, launched users and their
  // sessions, gradebook links, and the history of score publications (kept when a registration goes).
  {
    render: sql`
  CREATE TABLE lti_registrations (
    id TEXT PRIMARY KEY,
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    deployment_ids TEXT NOT NULL,
    auth_login_url TEXT NOT NULL,
    auth_token_url TEXT NOT NULL,
    jwks_url TEXT NOT NULL,
    created_at ${t.int64} NOT NULL,
    UNIQUE (issuer, client_id)
  );

  CREATE TABLE lti_login_states (
    state TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    expires_at ${t.int64} NOT NULL
  );
  CREATE INDEX lti_login_states_by_expiry ON lti_login_states (expires_at);

  CREATE TABLE tool_keys (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    keys TEXT NOT NULL,
    version INTEGER NOT NULL
  );

  CREATE TABLE lti_users (
    user_key TEXT PRIMARY KEY,
    student TEXT NOT NULL UNIQUE,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    name TEXT,
    email TEXT,
    created_at ${t.int64} NOT NULL,
    last_launch_at ${t.int64} NOT NULL
  );

  CREATE TABLE lti_sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    student TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('staff', 'student')),
    user_key TEXT NOT NULL,
    expires_at ${t.int64} NOT NULL,
    created_at ${t.int64} NOT NULL
  );
  CREATE INDEX lti_sessions_by_expiry ON lti_sessions (expires_at);

  CREATE TABLE lti_line_items (
    student TEXT NOT NULL,
    line_item_url TEXT NOT NULL,
    registration_id TEXT NOT NULL REFERENCES lti_registrations (id) ON DELETE CASCADE,
    platform_user_id TEXT NOT NULL,
    exercises TEXT,
    resource_link_id TEXT,
    context_id TEXT,
    updated_at ${t.int64} NOT NULL,
    PRIMARY KEY (student, line_item_url)
  );
  CREATE INDEX lti_line_items_by_registration ON lti_line_items (registration_id);

  CREATE TABLE lti_publications (
    seq ${t.serialKey},
    id TEXT NOT NULL UNIQUE,
    student TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    line_item_url TEXT NOT NULL,
    submission_id TEXT NOT NULL,
    grading_attempt INTEGER NOT NULL,
    score_given ${t.float} NOT NULL,
    score_maximum ${t.float} NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'published', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    status_code INTEGER,
    error TEXT,
    created_at ${t.int64} NOT NULL,
    updated_at ${t.int64} NOT NULL
  );
  CREATE INDEX lti_publications_by_student ON lti_publications (student);
  CREATE INDEX lti_publications_by_submission ON lti_publications (submission_id);
  CREATE INDEX lti_publications_by_state ON lti_publications (state);
  `,
  },
  // Login states bound to the platform's postMessage storage (LTI Client Side postMessages).
  {
    render: sql`
  ALTER TABLE lti_login_states ADD COLUMN storage_target TEXT;
  ALTER TABLE lti_login_states ADD COLUMN storage_value_hash TEXT;
  `,
  },
  // The HTTP rate limit's fixed windows, shared by every api node (server/rate-limit-store.ts); one
  // SQLite process keeps its windows in memory.
  {
    only: "postgres",
    render: sql`
  CREATE TABLE rate_limit_windows (
    key TEXT PRIMARY KEY,
    hits INTEGER NOT NULL,
    expires_at_ms ${t.int64} NOT NULL
  );
  `,
  },
  // Courses and assignments (issue 13): members, assignments (their policy as JSON), per-student
  // extensions, LMS contexts and resource links mapped onto them, and each submission's course,
  // assignment, late charge and the submitter's course role (gradebooks list students only).
  // Existing submissions belong to `default`/`default`, on time, submitter role unknown.
  {
    render: sql`
  CREATE TABLE courses (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at ${t.int64} NOT NULL
  );
  INSERT INTO courses (id, title, created_at) VALUES ('default', 'Default course', 0);

  CREATE TABLE course_members (
    course TEXT NOT NULL REFERENCES courses (id),
    principal TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('instructor', 'ta', 'student')),
    added_at ${t.int64} NOT NULL,
    PRIMARY KEY (course, principal)
  );
  CREATE INDEX course_members_by_principal ON course_members (principal);

  CREATE TABLE assignments (
    course TEXT NOT NULL REFERENCES courses (id),
    id TEXT NOT NULL,
    policy TEXT NOT NULL,
    updated_at ${t.int64} NOT NULL,
    PRIMARY KEY (course, id)
  );

  CREATE TABLE extensions (
    course TEXT NOT NULL,
    assignment TEXT NOT NULL,
    student TEXT NOT NULL,
    due_at ${t.int64} NOT NULL,
    late_until ${t.int64},
    granted_by TEXT NOT NULL,
    granted_at ${t.int64} NOT NULL,
    PRIMARY KEY (course, assignment, student)
  );

  CREATE TABLE lti_contexts (
    issuer TEXT NOT NULL,
    context_id TEXT NOT NULL,
    course TEXT NOT NULL REFERENCES courses (id),
    created_at ${t.int64} NOT NULL,
    PRIMARY KEY (issuer, context_id)
  );

  CREATE TABLE lti_resource_links (
    issuer TEXT NOT NULL,
    resource_link_id TEXT NOT NULL,
    course TEXT NOT NULL,
    assignment TEXT NOT NULL,
    PRIMARY KEY (issuer, resource_link_id)
  );

  ALTER TABLE submissions ADD COLUMN course TEXT NOT NULL DEFAULT 'default';
  ALTER TABLE submissions ADD COLUMN assignment TEXT NOT NULL DEFAULT 'default';
  ALTER TABLE submissions ADD COLUMN late_minutes INTEGER;
  ALTER TABLE submissions ADD COLUMN penalty_percent ${t.float};
  ALTER TABLE submissions ADD COLUMN submitter_role TEXT;
  -- Staff API keys' submissions (an env key's id is env:staff:NAME) were never students': keep them out of gradebooks.
  UPDATE submissions SET submitter_role = 'instructor'
    WHERE submitted_by LIKE 'env:staff:%' OR submitted_by IN (SELECT id FROM api_keys WHERE role = 'staff');
  CREATE INDEX submissions_by_assignment ON submissions (course, assignment, student, seq);
  `,
  },
  // Per-exercise progress of the grading under way (JSON), written by the worker that holds the job
  // so any api process can show it; it goes with the job row when the grading is stored.
  {
    render: sql`
  ALTER TABLE jobs ADD COLUMN progress TEXT;
  `,
  },
];

/** The dialect's migrations in order, as SQL; its schema version is how many of them have run. */
export function migrationsFor(dialect: Dialect): readonly string[] {
  return MIGRATIONS.filter((m) => m.only === undefined || m.only === dialect).map((m) => m.render(dialect));
}
