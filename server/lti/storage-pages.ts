import { frameAncestorsDirective, freshNonce, htmlDocument, escapeHtml, type Page } from "./pages.ts";

/**
 * The two pages of a login bound to the platform's storage (1EdTech "LTI Client Side postMessages"
 * and "OIDC Login with LTI Client Side postMessages"): the login page puts a secret into the LMS
 * window's storage before going on to the platform, and the launch page reads it back from the same
 * browser's LMS window before posting the launch on. An attacker who logs in in their own browser
 * holds the secret in *their* LMS window only, so their id_token cannot be completed in a victim's.
 */

/** The key under which a login's secret is stored; the LMS partitions keys by the tool's origin. */
export const platformStorageKey = (state: string): string => `autograde_state_${state}`;

/** The field the launch page fills with what the platform storage handed back. */
export const STORAGE_VALUE_FIELD = "lti_storage_value";

interface StorageExchange {
  /** The origin of the platform's OIDC auth URL: the only origin whose answers count, and the postMessage targetOrigin. */
  readonly platformOrigin: string;
  /** `lti_storage_target`: `_parent` for the parent (or opener) window itself, else the name of one of its frames. */
  readonly target: string;
  readonly key: string;
  readonly timeoutMs: number;
  readonly frameAncestors: readonly string[];
}

export interface StorageLoginPageInput extends StorageExchange {
  readonly value: string;
  /** The platform's authentication request, opened once the value is stored. */
  readonly authUrl: string;
}

export interface StorageLaunchPageInput extends StorageExchange {
  /** The tool's own continuation URL (same origin as the page). */
  readonly action: string;
  readonly idToken: string;
  readonly state: string;
}

// Runs in the browser. `message_id` ties each answer to its request, and only the platform's origin
// is listened to; a silent or refusing LMS ends on a message that says what to do, never a hang.
const CLIENT = `(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("lti-storage").textContent);
  const again = "Open the assignment again from the course page; if this keeps happening, tell your instructor.";
  const fail = (text) => {
    document.getElementById("progress").hidden = true;
    const error = document.getElementById("error");
    error.textContent = text + " " + again;
    error.hidden = false;
  };
  const host = window.opener || (window.parent !== window ? window.parent : null);
  let target = null;
  try {
    target = host === null ? null : data.target === "_parent" ? host : host.frames[data.target] || null;
  } catch (e) {
    target = null;
  }
  if (target === null) {
    fail(host === null
      ? "autograde was opened outside your LMS, so the LMS cannot vouch for this sign-in."
      : "Your LMS named the frame " + JSON.stringify(data.target) + " for storing the sign-in, but it has no such frame.");
    return;
  }
  const randomId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  const ask = (message) => new Promise((resolve, reject) => {
    const messageId = "autograde-" + randomId();
    const onMessage = (event) => {
      if (event.origin !== data.platformOrigin) return;
      const reply = event.data;
      if (reply === null || typeof reply !== "object" || reply.message_id !== messageId) return;
      if (reply.subject !== message.subject + ".response") return;
      clearTimeout(timer);
      window.removeEventListener("message", onMessage);
      if (reply.error) {
        const reason = typeof reply.error === "object" ? reply.error.message || reply.error.code : reply.error;
        reject(new Error("Your LMS refused to " + (message.subject === "lti.put_data" ? "store" : "return") + " the sign-in (" + String(reason || "no reason given") + ")."));
      } else {
        resolve(reply);
      }
    };
    const timer = setTimeout(() => {
      window.removeEventListener("message", onMessage);
      reject(new Error("Your LMS did not answer autograde's " + message.subject + " request within " + data.timeoutMs / 1000 + " s, so the sign-in could not be checked."));
    }, data.timeoutMs);
    window.addEventListener("message", onMessage);
    target.postMessage(Object.assign({}, message, { message_id: messageId }), data.platformOrigin);
  });
  const done = data.step === "put"
    ? ask({ subject: "lti.put_data", key: data.key, value: data.value }).then(() => window.location.replace(data.authUrl))
    : ask({ subject: "lti.get_data", key: data.key }).then((reply) => {
        if (typeof reply.value !== "string" || reply.value === "") {
          throw new Error("Your LMS has no record of this sign-in starting in this browser, so autograde will not complete it.");
        }
        const form = document.getElementById("continue");
        form.querySelector('input[name="${STORAGE_VALUE_FIELD}"]').value = reply.value;
        HTMLFormElement.prototype.submit.call(form);
      });
  done.catch((error) => fail(error.message));
})();`;

/** A JSON data block: never executed, and `<` escaped so no value can close the script element. */
const dataBlock = (data: Record<string, unknown>): string =>
  `<script type="application/json" id="lti-storage">${JSON.stringify(data).replace(/</g, "\\u003c")}</script>`;

function storagePage(title: string, progress: string, data: Record<string, unknown>, extra: string, input: StorageExchange, formAction: string): Page {
  if (!URL.canParse(input.platformOrigin) || new URL(input.platformOrigin).origin !== input.platformOrigin) {
    throw new Error(`platformOrigin must be an origin, got ${JSON.stringify(input.platformOrigin)}`);
  }
  const nonce = freshNonce();
  const body = `<main>
<h1>${escapeHtml(title)}</h1>
<p id="progress" role="status">${escapeHtml(progress)}</p>
<p id="error" role="alert" hidden></p>
<noscript><p>autograde needs JavaScript to check this sign-in with your LMS.</p></noscript>
${extra}</main>
${dataBlock(data)}`;
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    `form-action ${formAction}`,
    "base-uri 'none'",
    frameAncestorsDirective(input.frameAncestors),
  ].join("; ");
  // The launch page's own post must carry an Origin header for the tool to see it came from itself.
  const referrer = formAction === "'none'" ? "no-referrer" : "same-origin";
  const html = htmlDocument(title, nonce, body, CLIENT, referrer);
  return referrer === "same-origin" ? { html, contentSecurityPolicy: csp, referrerPolicy: referrer } : { html, contentSecurityPolicy: csp };
}

/** Answers the login initiation: store the secret in the LMS window, then go on to the platform's auth endpoint. */
export function storageLoginPage(input: StorageLoginPageInput): Page {
  const data = { step: "put", platformOrigin: input.platformOrigin, target: input.target, key: input.key, value: input.value, authUrl: input.authUrl, timeoutMs: input.timeoutMs };
  return storagePage("Signing in to autograde", "Asking your LMS to remember this sign-in…", data, "", input, "'none'");
}

/** Answers the platform's id_token post: read the secret back, then post the launch on to the tool itself. */
export function storageLaunchPage(input: StorageLaunchPageInput): Page {
  const action = new URL(input.action);
  const fields = { id_token: input.idToken, state: input.state, [STORAGE_VALUE_FIELD]: "" };
  const form = `<form id="continue" method="post" action="${escapeHtml(action.toString())}">
${Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join("\n")}
</form>
`;
  const data = { step: "get", platformOrigin: input.platformOrigin, target: input.target, key: input.key, timeoutMs: input.timeoutMs };
  return storagePage("Signing in to autograde", "Checking this sign-in with your LMS…", data, form, input, action.origin);
}
