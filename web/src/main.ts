import "./styles.css";
import { createApiClient, type Credentials } from "./api.ts";
import { h, replaceChildren } from "./dom.ts";
import { identify, launchTokenFromHash } from "./session.ts";
import { mountStaffView } from "./staff-view.ts";
import { mountStudentView } from "./student-view.ts";

const KEY_STORAGE = "autograde.key";

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html lacks #${id}`);
  return found as T;
}

const app = element<HTMLElement>("app");
const who = element<HTMLElement>("who");
const signOutButton = element<HTMLButtonElement>("sign-out");
const announcer = element<HTMLElement>("announcer");

function announce(message: string): void {
  // Clearing first makes screen readers repeat a message identical to the previous one.
  announcer.textContent = "";
  requestAnimationFrame(() => {
    announcer.textContent = message;
  });
}

/**
 * An LTI launch hands the page its token in the URL fragment (never sent to any server, removed
 * from history at once); a key typed here lasts for the tab's session only.
 */
function storedCredentials(): Credentials | null {
  const launch = launchTokenFromHash(location.hash);
  if (launch) {
    sessionStorage.setItem(KEY_STORAGE, launch);
    history.replaceState(null, "", location.pathname + location.search);
  }
  const secret = sessionStorage.getItem(KEY_STORAGE);
  return secret ? { kind: "bearer", secret } : null;
}

async function start(credentials: Credentials, fromForm: boolean): Promise<void> {
  const api = createApiClient({ credentials, fetch: (input, init) => fetch(input, init) });
  const signIn = await identify(api);
  if (signIn.kind === "rejected") {
    sessionStorage.removeItem(KEY_STORAGE);
    showSignIn(fromForm || credentials.kind === "bearer" ? `That key was not accepted: ${signIn.message}` : "");
    return;
  }
  const { identity } = signIn;
  const signedInAs = `${identity.name} (${identity.role})`;
  who.textContent = `Signed in as ${signedInAs}`;
  signOutButton.hidden = credentials.kind !== "bearer";
  replaceChildren(app, h("p", { class: "loading" }, "Loading…"));
  if (identity.role === "staff") {
    await mountStaffView({ api, identity, root: app, announce });
  } else {
    await mountStudentView({ api, identity, root: app, announce });
  }
  announce(`Signed in as ${signedInAs}.`);
}

function showSignIn(error: string): void {
  who.textContent = "";
  signOutButton.hidden = true;
  const input = h("input", { id: "api-key", name: "api-key", type: "password", autocomplete: "current-password", required: true, spellcheck: "false" });
  const errorLine = h("p", { id: "sign-in-error", class: "error", role: "alert" }, error);
  const form = h(
    "form",
    { class: "sign-in", "aria-labelledby": "sign-in-heading" },
    h("h2", { id: "sign-in-heading" }, "Sign in"),
    h("label", { for: "api-key" }, "API key"),
    input,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
    errorLine,
    h("p", { class: "hint" }, "Students reaching autograde from their course page are signed in by the course link."),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const secret = input.value.trim();
    if (!secret) return;
    sessionStorage.setItem(KEY_STORAGE, secret);
    run(start({ kind: "bearer", secret }, true));
  });
  replaceChildren(app, form);
  input.focus();
}

function run(task: Promise<void>): void {
  task.catch((error: unknown) => {
    replaceChildren(app, h("p", { class: "error", role: "alert" }, `The page could not load: ${error instanceof Error ? error.message : String(error)}`));
  });
}

signOutButton.addEventListener("click", () => {
  sessionStorage.removeItem(KEY_STORAGE);
  replaceChildren(app);
  showSignIn("");
});

run(start(storedCredentials() ?? { kind: "cookie" }, false));
