// uPlot's chart styles (the staff analytics), before ours so ours win.
import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { createApiClient, type Credentials } from "./api.ts";
import { h, replaceChildren } from "./dom.ts";
import { identify, launchScopeFromHash, launchTokenFromHash, type LaunchScope } from "./session.ts";
import { mountStaffView } from "./staff-view.ts";
import { mountStudentView } from "./student-view.ts";

const KEY_STORAGE = "autograde.key";
const SCOPE_STORAGE = "autograde.launch-scope";

/**
 * Chromium denies a third-party frame sessionStorage when third-party cookies are blocked (an LMS
 * iframe): the token then lives in memory, for as long as the frame shows this page.
 */
function tabStorage(): { store: Pick<Storage, "getItem" | "setItem" | "removeItem">; persistent: boolean } {
  try {
    const store = window.sessionStorage;
    store.getItem(KEY_STORAGE);
    return { store, persistent: true };
  } catch {
    const memory = new Map<string, string>();
    return {
      store: {
        getItem: (key) => memory.get(key) ?? null,
        setItem: (key, value) => void memory.set(key, value),
        removeItem: (key) => void memory.delete(key),
      },
      persistent: false,
    };
  }
}
const { store: storage, persistent } = tabStorage();

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
    storage.setItem(KEY_STORAGE, launch);
    const scope = launchScopeFromHash(location.hash);
    if (scope) storage.setItem(SCOPE_STORAGE, JSON.stringify(scope));
    else storage.removeItem(SCOPE_STORAGE);
    history.replaceState(null, "", location.pathname + location.search);
  }
  const secret = storage.getItem(KEY_STORAGE);
  return secret ? { kind: "bearer", secret } : null;
}

async function start(credentials: Credentials, fromForm: boolean): Promise<void> {
  const api = createApiClient({ credentials, fetch: (input, init) => fetch(input, init) });
  const signIn = await identify(api);
  if (signIn.kind === "rejected") {
    storage.removeItem(KEY_STORAGE);
    showSignIn(fromForm || credentials.kind === "bearer" ? `That key was not accepted: ${signIn.message}` : "");
    return;
  }
  const { identity } = signIn;
  const launch = storedScope();
  if (!persistent && credentials.kind === "bearer") offerNewTab(credentials.secret, launch);
  const signedInAs = `${identity.name} (${identity.role})`;
  who.textContent = `Signed in as ${signedInAs}`;
  signOutButton.hidden = credentials.kind !== "bearer";
  replaceChildren(app, h("p", { class: "loading" }, "Loading…"));
  if (identity.role === "staff") {
    await mountStaffView({ api, identity, root: app, announce, launch });
  } else {
    await mountStudentView({ api, identity, root: app, announce, launch });
  }
  announce(`Signed in as ${signedInAs}.`);
}

/**
 * Without storage a reload of the frame signs the student out; a tab of its own is first-party, so
 * its storage works. The token travels in the fragment again, which no server or Referer sees.
 */
function offerNewTab(secret: string, scope: LaunchScope | null): void {
  const fragment = new URLSearchParams({ launch: secret, ...(scope ?? {}) });
  const link = h("a", { href: `/#${fragment}`, target: "_blank", rel: "noopener" }, "open autograde in a new tab");
  app.before(h("p", { class: "hint", role: "note" }, "This browser keeps no data for pages inside the course frame, so reloading this frame signs you out. To avoid that, ", link, "."));
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
    h("p", { class: "hint" }, "Setting up autograde? On the server, create a staff key with ", h("code", {}, "npm run -s autograde -- keys create --role staff --name <your-name>"), " (it prints the key once; the server's start-up message gives the full command), then sign in with it."),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const secret = input.value.trim();
    if (!secret) return;
    storage.setItem(KEY_STORAGE, secret);
    storage.removeItem(SCOPE_STORAGE);
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

/** Only a launch's fragment sets a scope: a key typed into the form clears it and sees every assignment it may. */
function storedScope(): LaunchScope | null {
  const raw = storage.getItem(SCOPE_STORAGE);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<LaunchScope>;
    return typeof parsed.course === "string" && typeof parsed.assignment === "string" ? { course: parsed.course, assignment: parsed.assignment } : null;
  } catch {
    return null;
  }
}

signOutButton.addEventListener("click", () => {
  storage.removeItem(KEY_STORAGE);
  storage.removeItem(SCOPE_STORAGE);
  replaceChildren(app);
  showSignIn("");
});

// The service authenticates by bearer token only (no cookies): without one there is nobody to ask
// /v1/me about, and asking anyway logged a 401 in the console at every load of the sign-in form.
const credentials = storedCredentials();
if (credentials) run(start(credentials, false));
else showSignIn("");
