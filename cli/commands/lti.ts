import { principalName, serverConfigSchema } from "../../server/config.ts";
import { contextLinkRequest, LTI_PUBLICATION_STATES } from "../../server/lti/admin-schemas.ts";
import { createToolKeyStore, keySchedule, KeyStoreError, type KeyState } from "../../server/lti/key-store.ts";
import { platformRegistrationSchema, type PlatformRegistration } from "../../server/lti/registration.ts";
import { toolUrls } from "../../server/lti/urls.ts";
import type { LtiPublicationState } from "../../server/storage/lti-types.ts";
import { configFrom, withAdminStorage } from "../admin-storage.ts";
import { parseFlags, UsageError, write, type CliCommand, type CliIo } from "../usage.ts";

const usage = `usage: autograde lti register --issuer URL --client-id ID --deployment-id ID [--deployment-id ID...]
                            --auth-login-url URL --auth-token-url URL --jwks-url URL
       autograde lti list [--format text|json]
       autograde lti deployments REGISTRATION_ID --deployment-id ID [--deployment-id ID...]
       autograde lti remove REGISTRATION_ID
       autograde lti keys
       autograde lti rotate-key
       autograde lti retire-key KID
       autograde lti publications [--student NAME] [--state pending|published|failed] [--limit N] [--format text|json]
       autograde lti tool [--public-url URL]
       autograde lti link-context --issuer URL --context-id ID --course COURSE
Every command but tool also takes [--data-dir DIR].

LTI 1.3 administration in the service's database (PostgreSQL when DATABASE_URL is set, else SQLite
under AUTOGRADE_DATA_DIR, default ./data; --data-dir overrides it). register adds an LMS platform with
the values its admin got when adding the tool; tool prints the URLs to enter in the LMS (default
origin: AUTOGRADE_PUBLIC_URL). rotate-key publishes a fresh key at once and prints when it starts
signing: after AUTOGRADE_LTI_KEY_ACTIVATION_DELAY_MS (default 120000), so platforms that cached the
JWKS fetch it first; the previous key signs until then. keys marks the key that signs and any pending
one. retire-key stops publishing a previous key once the new one signs. link-context makes one more
LMS context (a section, a copied course) open an existing course; a context's first instructor
launch otherwise creates a course of its own.`;

const dataDir = { "data-dir": { type: "string" } } as const;
const format = { format: { type: "string", default: "text" } } as const;
const none = { min: 0, max: 0, name: "" };

type Subcommand = (name: string, args: string[], io: CliIo) => Promise<number>;

function checkFormat(name: string, value: string | undefined): "text" | "json" {
  if (value !== "text" && value !== "json") throw new UsageError(`${name}: unknown format "${value}" (text or json)`);
  return value;
}

const REGISTRATION_FLAGS: Record<keyof PlatformRegistration, string> = {
  issuer: "--issuer",
  clientId: "--client-id",
  deploymentIds: "--deployment-id",
  authLoginUrl: "--auth-login-url",
  authTokenUrl: "--auth-token-url",
  jwksUrl: "--jwks-url",
};

function registrationFrom(name: string, input: Record<keyof PlatformRegistration, unknown>): PlatformRegistration {
  for (const [field, flag] of Object.entries(REGISTRATION_FLAGS)) {
    const value = input[field as keyof PlatformRegistration];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) throw new UsageError(`${name}: missing ${flag}`);
  }
  const parsed = platformRegistrationSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const flag = REGISTRATION_FLAGS[issue.path[0] as keyof PlatformRegistration] ?? String(issue.path[0]);
  throw new UsageError(`${name}: ${flag}: ${issue.message}`);
}

const register: Subcommand = async (name, args, io) => {
  const { values } = parseFlags(name, args, {
    issuer: { type: "string" },
    "client-id": { type: "string" },
    "deployment-id": { type: "string", multiple: true },
    "auth-login-url": { type: "string" },
    "auth-token-url": { type: "string" },
    "jwks-url": { type: "string" },
    ...dataDir,
  }, none);
  const registration = registrationFrom(name, {
    issuer: values.issuer,
    clientId: values["client-id"],
    deploymentIds: values["deployment-id"],
    authLoginUrl: values["auth-login-url"],
    authTokenUrl: values["auth-token-url"],
    jwksUrl: values["jwks-url"],
  });
  return withAdminStorage(name, io.env, values["data-dir"], async (storage) => {
    const created = await storage.createLtiRegistration({ ...registration, now: Date.now() });
    if (created === "duplicate") {
      write(io.stderr, `${name}: issuer ${registration.issuer} with client id ${registration.clientId} is already registered`);
      return 1;
    }
    write(io.stderr, `registered ${created.issuer} (client id ${created.clientId}); its registration id:`);
    write(io.stdout, created.id);
    return 0;
  });
};

const list: Subcommand = async (name, args, io) => {
  const { values } = parseFlags(name, args, { ...format, ...dataDir }, none);
  const chosen = checkFormat(name, values.format);
  return withAdminStorage(name, io.env, values["data-dir"], async (storage) => {
    const registrations = await storage.listLtiRegistrations();
    if (chosen === "json") {
      write(io.stdout, JSON.stringify(registrations.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() })), null, 2));
      return 0;
    }
    const lines = registrations.map((r) =>
      [r.id, r.issuer, `client ${r.clientId}`, `deployments ${r.deploymentIds.join(",")}`, new Date(r.createdAt).toISOString()].join("  "),
    );
    write(io.stdout, lines.length > 0 ? lines.join("\n") : "no LTI registrations");
    return 0;
  });
};

const deployments: Subcommand = async (name, args, io) => {
  const { values, positionals } = parseFlags(name, args, { "deployment-id": { type: "string", multiple: true }, ...dataDir }, { min: 1, max: 1, name: "REGISTRATION_ID" });
  const ids = platformRegistrationSchema.shape.deploymentIds.safeParse(values["deployment-id"] ?? []);
  if (!ids.success) throw new UsageError(`${name}: --deployment-id: ${ids.error.issues[0]?.message ?? "invalid"}`);
  const id = positionals[0]!;
  return withAdminStorage(name, io.env, values["data-dir"], async (storage) => {
    const updated = await storage.setLtiDeployments(id, ids.data);
    if (!updated) {
      write(io.stderr, `${name}: no LTI registration ${id}`);
      return 1;
    }
    write(io.stdout, `registration ${id} accepts deployments ${updated.deploymentIds.join(", ")}`);
    return 0;
  });
};

const linkContext: Subcommand = async (name, args, io) => {
  const { values } = parseFlags(name, args, { issuer: { type: "string" }, "context-id": { type: "string" }, course: { type: "string" }, ...dataDir }, none);
  const parsed = contextLinkRequest.safeParse({ issuer: values.issuer, contextId: values["context-id"], course: values.course });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flags: Record<string, "issuer" | "context-id" | "course"> = { issuer: "issuer", contextId: "context-id", course: "course" };
    const flag = flags[String(issue.path[0])] ?? "issuer";
    throw new UsageError(`${name}: --${flag}: ${values[flag] === undefined ? "is required" : issue.message}`);
  }
  const { issuer, contextId, course } = parsed.data;
  return withAdminStorage(name, io.env, values["data-dir"], async (storage) => {
    if (!(await storage.getCourse(course))) throw new UsageError(`${name}: --course: no course ${course}`);
    await storage.linkLtiContext({ issuer, contextId, course, now: Date.now() });
    const linked = await storage.courseForLtiContext(issuer, contextId);
    if (linked !== course) {
      write(io.stderr, `${name}: context ${contextId} of ${issuer} already belongs to course ${linked}`);
      return 1;
    }
    write(io.stdout, `context ${contextId} of ${issuer} opens course ${course}`);
    return 0;
  });
};

const remove: Subcommand = async (name, args, io) => {
  const { values, positionals } = parseFlags(name, args, dataDir, { min: 1, max: 1, name: "REGISTRATION_ID" });
  const id = positionals[0]!;
  return withAdminStorage(name, io.env, values["data-dir"], async (storage) => {
    if (!(await storage.deleteLtiRegistration(id))) {
      write(io.stderr, `${name}: no LTI registration ${id}`);
      return 1;
    }
    write(io.stdout, `removed LTI registration ${id}`);
    return 0;
  });
};

const keys: Subcommand = async (name, args, io) => {
  const { values } = parseFlags(name, args, dataDir, none);
  return withAdminStorage(name, io.env, values["data-dir"], async (storage) => {
    // Read directly: listing must not create keys as a side effect.
    const stored = await storage.loadToolKeys();
    if (!stored) {
      write(io.stdout, "no tool keys yet: the service creates the first when it starts (or run lti rotate-key)");
      return 0;
    }
    const marks: Record<KeyState, (signsFrom: number | null) => string> = {
      signing: () => "  signing",
      pending: (signsFrom) => `  pending until ${new Date(signsFrom!).toISOString()}`,
      published: () => "",
    };
    const schedule = keySchedule(stored.keys, Date.now());
    write(io.stdout, schedule.keys.map((k) => `${k.kid}${marks[k.state](k.signsFrom)}`).join("\n"));
    return 0;
  });
};

const rotateKey: Subcommand = async (name, args, io) => {
  const { values } = parseFlags(name, args, dataDir, none);
  return withAdminStorage(name, io.env, values["data-dir"], async (storage) => {
    const hadKeys = (await storage.loadToolKeys()) !== null;
    const store = await createToolKeyStore({ storage, activationDelayMs: configFrom(name, io.env).ltiKeyActivationDelayMs });
    if (!hadKeys) {
      write(io.stdout, `created the first tool key ${(await store.current()).currentKid()}`);
      return 0;
    }
    const rotation = await store.rotate();
    const { signingKid } = await store.schedule();
    const until = signingKid === rotation.newKid ? "it signs now" : `it signs from ${rotation.signsFrom}; ${signingKid} signs until then`;
    write(io.stdout, `published ${rotation.newKid}; ${until}; published: ${rotation.publishedKids.join(", ")}`);
    return 0;
  });
};

const retireKey: Subcommand = async (name, args, io) => {
  const { values, positionals } = parseFlags(name, args, dataDir, { min: 1, max: 1, name: "KID" });
  const kid = positionals[0]!;
  return withAdminStorage(name, io.env, values["data-dir"], async (storage) => {
    const store = await createToolKeyStore({ storage });
    try {
      const { publishedKids } = await store.retire(kid);
      write(io.stdout, `retired ${kid}; published: ${publishedKids.join(", ")}`);
      return 0;
    } catch (err) {
      if (!(err instanceof KeyStoreError) || err.code === "contention") throw err;
      write(io.stderr, `${name}: ${err.message}`);
      return 1;
    }
  });
};

const publications: Subcommand = async (name, args, io) => {
  const { values } = parseFlags(name, args, { student: { type: "string" }, state: { type: "string" }, limit: { type: "string", default: "100" }, ...format, ...dataDir }, none);
  const chosen = checkFormat(name, values.format);
  const student = values.student === undefined ? undefined : principalName.safeParse(values.student);
  if (student?.success === false) throw new UsageError(`${name}: --student: ${student.error.issues[0]?.message ?? "invalid"}`);
  const state = values.state;
  if (state !== undefined && !(LTI_PUBLICATION_STATES as readonly string[]).includes(state)) {
    throw new UsageError(`${name}: --state must be one of ${LTI_PUBLICATION_STATES.join(", ")}`);
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`${name}: --limit must be a whole number from 1 to 1000`);
  return withAdminStorage(name, io.env, values["data-dir"], async (storage) => {
    const found = await storage.listLtiPublications({ student: values.student, state: state as LtiPublicationState | undefined, limit });
    const rows = found.map((p) => ({ ...p, createdAt: new Date(p.createdAt).toISOString(), updatedAt: new Date(p.updatedAt).toISOString() }));
    if (chosen === "json") {
      write(io.stdout, JSON.stringify(rows, null, 2));
      return 0;
    }
    const lines = rows.map((p) =>
      [p.updatedAt, p.state.padEnd(9), p.student, `${p.scoreGiven}/${p.scoreMaximum}`, `submission ${p.submissionId}#${p.gradingAttempt}`, `attempts ${p.attempts}`, p.error ?? ""].join("  ").trimEnd(),
    );
    write(io.stdout, lines.length > 0 ? lines.join("\n") : "no LTI score publications");
    return 0;
  });
};

const tool: Subcommand = async (name, args, io) => {
  const { values } = parseFlags(name, args, { "public-url": { type: "string" } }, none);
  const origin = values["public-url"] ?? configFrom(name, io.env).publicUrl;
  if (origin === undefined) throw new UsageError(`${name}: give --public-url (or set AUTOGRADE_PUBLIC_URL): the origin the LMS reaches the service at`);
  const checked = serverConfigSchema.shape.publicUrl.safeParse(origin);
  if (!checked.success) throw new UsageError(`${name}: --public-url ${checked.error.issues[0]?.message ?? "is invalid"}`);
  const urls = toolUrls(origin);
  write(io.stdout, [
    `login initiation URL:  ${urls.loginUrl}`,
    `redirect URI:          ${urls.launchUrl}`,
    `target link URI:       ${urls.launchUrl}`,
    // The platform sends the deep-linking request, like any launch, to the redirect URI; /lti/deep-link only takes the instructor's form.
    `deep linking URL:      ${urls.launchUrl}`,
    `public JWKS URL:       ${urls.jwksUrl}`,
  ].join("\n"));
  return 0;
};

const SUBCOMMANDS: Record<string, Subcommand> = {
  register, list, deployments, remove, keys, "rotate-key": rotateKey, "retire-key": retireKey, publications, tool, "link-context": linkContext,
};

export const command: CliCommand = {
  summary: "register LMS platforms (LTI 1.3), rotate the tool's keys, inspect score publications",
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    const names = Object.keys(SUBCOMMANDS).join(", ");
    if (sub === undefined || sub.startsWith("-")) throw new UsageError(`lti: missing subcommand (${names})`);
    const run = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!run) throw new UsageError(`lti: unknown subcommand "${sub}" (${names})`);
    return run(`lti ${sub}`, rest, io);
  },
};
