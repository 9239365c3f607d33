import { generateSecret, hashSecret } from "../../server/auth.ts";
import { API_ROLES, principalName, type ApiRole } from "../../server/config.ts";
import { withAdminStorage } from "../admin-storage.ts";
import { parseFlags, UsageError, write, type CliCommand } from "../usage.ts";

const usage = `usage: autograde keys create --role staff|student --name NAME [--data-dir DIR]
       autograde keys revoke NAME|ID [--data-dir DIR]
       autograde keys list [--format text|json] [--data-dir DIR]

API keys stored (as SHA-256 hashes) in the service's database: PostgreSQL when DATABASE_URL is set,
else SQLite under AUTOGRADE_DATA_DIR (default ./data; --data-dir overrides it). create prints the secret once: it cannot be shown again. A student key's name is the
identity their submissions are filed under. Keys from AUTOGRADE_API_KEYS are not listed here.`;

const flags = {
  role: { type: "string" },
  name: { type: "string" },
  format: { type: "string", default: "text" },
  "data-dir": { type: "string" },
} as const;

export const command: CliCommand = {
  summary: "create, revoke and list API keys for the service",
  usage,
  async run(args, io) {
    const { values, positionals } = parseFlags("keys", args, flags, { min: 1, max: 2, name: "subcommand (create, revoke or list)" });
    const [sub, target] = positionals;
    if (sub !== "create" && sub !== "revoke" && sub !== "list") throw new UsageError(`keys: unknown subcommand "${sub}" (create, revoke or list)`);
    if (sub === "create") {
      if (target !== undefined) throw new UsageError(`keys create: unexpected argument "${target}"`);
      if (!(API_ROLES as readonly string[]).includes(values.role ?? "")) throw new UsageError("keys create: --role must be staff or student");
      const name = principalName.safeParse(values.name ?? "");
      if (!name.success) throw new UsageError(`keys create: --name: ${name.error.issues[0]?.message ?? "invalid"}`);
    }
    if (sub === "revoke" && target === undefined) throw new UsageError("keys revoke: name the key (its name or id)");
    if (sub === "list" && values.format !== "text" && values.format !== "json") throw new UsageError(`keys list: unknown format "${values.format}" (text or json)`);

    return withAdminStorage("keys", io.env, values["data-dir"], async (storage) => {
      if (sub === "create") {
        const secret = generateSecret();
        const key = await storage.createApiKey({ role: values.role as ApiRole, name: values.name!, secretHash: hashSecret(secret), now: Date.now() });
        write(io.stderr, `created ${key.role} key ${key.id} for ${key.name}; the secret below is shown only once:`);
        write(io.stdout, secret);
        return 0;
      }
      if (sub === "revoke") {
        const revoked = await storage.revokeApiKey(target!, Date.now());
        if (revoked === 0) {
          write(io.stderr, `keys revoke: no active key named or with id "${target}"`);
          return 1;
        }
        write(io.stdout, `revoked ${revoked} key${revoked === 1 ? "" : "s"}`);
        return 0;
      }
      const keys = await storage.listApiKeys();
      if (values.format === "json") {
        write(io.stdout, JSON.stringify(keys, null, 2));
      } else {
        const lines = keys.map((k) =>
          [k.id, k.role.padEnd(7), k.name, new Date(k.createdAt).toISOString(), k.revokedAt ? `revoked ${new Date(k.revokedAt).toISOString()}` : "active"].join("  "),
        );
        write(io.stdout, lines.length > 0 ? lines.join("\n") : "no stored keys");
      }
      return 0;
    });
  },
};
