import { randomBytes } from "node:crypto";

export interface Page {
  readonly html: string;
  /** Send as the Content-Security-Policy header of this one response: its nonce is single use. */
  readonly contentSecurityPolicy: string;
  /** Omitted: no-referrer. */
  readonly referrerPolicy?: "same-origin";
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export const freshNonce = (): string => randomBytes(16).toString("base64");

// Anything else (a space, `;`, a quote) would let a caller's value add directives to the policy.
const FRAME_ANCESTOR = /^(?:'self'|https?:\/\/(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?)$/;

export function frameAncestorsDirective(sources: readonly string[]): string {
  for (const source of sources) {
    if (!FRAME_ANCESTOR.test(source)) throw new Error(`frameAncestors entry ${JSON.stringify(source)} must be 'self' or an http(s) origin`);
  }
  return `frame-ancestors ${sources.length === 0 ? "'none'" : sources.join(" ")}`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:1.5rem;line-height:1.4;color:#1a1a1a}
fieldset{border:1px solid #888;border-radius:.4rem;padding:1rem}legend{font-weight:600;padding:0 .3rem}
.choice{margin:.4rem 0}label{margin-left:.4rem}button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem}
button:focus,input:focus{outline:3px solid #1a5fb4;outline-offset:2px}`;

/** `referrer` is no-referrer unless the page must send an Origin header with its own same-origin form post. */
export function htmlDocument(title: string, nonce: string, body: string, script = "", referrer: "no-referrer" | "same-origin" = "no-referrer"): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="${referrer}">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
${body}${script === "" ? "" : `\n<script nonce="${nonce}">${script}</script>`}
</body>
</html>
`;
}

export interface DeepLinkChoice {
  /** Posted as `exercises`: "all" or a comma-separated list of exercise ids. */
  readonly value: string;
  readonly label: string;
  readonly points: number;
}

export interface DeepLinkChoicePageInput {
  /** The tool's own deep-link URL. */
  readonly action: string;
  readonly contextToken: string;
  readonly choices: readonly DeepLinkChoice[];
  /** The LMS origins allowed to frame the page; empty: none. */
  readonly frameAncestors: readonly string[];
  readonly title?: string;
  /** Ask for the assignment's deadline and limits too; `defaultDueAt` (ISO 8601) prefills the due date. */
  readonly assignment?: { readonly defaultDueAt: string | null };
}

export function deepLinkChoicePage(input: DeepLinkChoicePageInput): Page {
  if (input.choices.length === 0) throw new Error("deepLinkChoicePage needs at least one choice");
  const nonce = freshNonce();
  const title = input.title ?? "Add an autograde assignment";
  const choices = input.choices
    .map((choice, i) => {
      const id = `choice-${i}`;
      const points = `${choice.points} ${choice.points === 1 ? "point" : "points"}`;
      return `<div class="choice"><input type="radio" id="${id}" name="exercises" value="${escapeHtml(choice.value)}"${i === 0 ? " checked" : ""}><label for="${id}">${escapeHtml(choice.label)} (${escapeHtml(points)})</label></div>`;
    })
    .join("\n");
  const body = `<main>
<h1>${escapeHtml(title)}</h1>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="context" value="${escapeHtml(input.contextToken)}">
<fieldset>
<legend>What should this link grade?</legend>
${choices}
</fieldset>
${input.assignment ? assignmentFieldset(input.assignment.defaultDueAt) : ""}<button type="submit">Add to course</button>
</form>
</main>`;
  const csp = [
    "default-src 'none'",
    ...(input.assignment ? [`script-src 'nonce-${nonce}'`] : []),
    `style-src 'nonce-${nonce}'`,
    "form-action 'self'",
    "base-uri 'none'",
    frameAncestorsDirective(input.frameAncestors),
  ].join("; ");
  return { html: htmlDocument(title, nonce, body, input.assignment ? LOCAL_DATES_SCRIPT : ""), contentSecurityPolicy: csp };
}

const field = (id: string, label: string, control: string, hint = "") =>
  `<div class="choice"><label for="${id}">${label}</label> ${control}${hint ? ` <small>${hint}</small>` : ""}</div>`;
const options = (values: readonly (readonly [string, string])[]) => values.map(([value, label]) => `<option value="${value}">${label}</option>`).join("");

function assignmentFieldset(defaultDueAt: string | null): string {
  const due = defaultDueAt === null ? "" : ` data-iso="${escapeHtml(defaultDueAt)}" value="${escapeHtml(defaultDueAt.slice(0, 16))}"`;
  return `<fieldset>
<legend>Deadline and limits (all optional)</legend>
<p id="zone-note"><small>Times are UTC.</small></p>
${field("title", "Title", `<input type="text" id="title" name="title" maxlength="200">`)}
${field("dueAtLocal", "Due", `<input type="datetime-local" id="dueAtLocal" name="dueAtLocal"${due}><input type="hidden" name="dueAt" value="">`, defaultDueAt === null ? "" : "from the LMS gradebook column")}
${field("lateUntilLocal", "Late submissions until", `<input type="datetime-local" id="lateUntilLocal" name="lateUntilLocal"><input type="hidden" name="lateUntil" value="">`)}
${field("penaltyPercent", "Late penalty, percent", `<input type="number" id="penaltyPercent" name="penaltyPercent" min="0" max="100" step="any"> <label for="penaltyUnit">per</label> <select id="penaltyUnit" name="penaltyUnit">${options([["day", "started day"], ["hour", "started hour"]])}</select>`)}
${field("penaltyMax", "Penalty at most, percent", `<input type="number" id="penaltyMax" name="penaltyMax" min="0" max="100" step="any">`)}
${field("maxAttempts", "Attempts allowed", `<input type="number" id="maxAttempts" name="maxAttempts" min="1" step="1">`, "empty: unlimited")}
${field("minMinutesBetween", "Minutes between attempts", `<input type="number" id="minMinutesBetween" name="minMinutesBetween" min="0" step="1">`)}
${field("hiddenResults", "Hidden test results", `<select id="hiddenResults" name="hiddenResults">${options([["immediately", "shown at once"], ["after_due", "shown after the due date"], ["never", "never shown"]])}</select>`)}
${field("scorePolicy", "Score sent to the LMS", `<select id="scorePolicy" name="scorePolicy">${options([["best", "best per exercise"], ["latest", "latest per exercise"]])}</select>`)}
</fieldset>
`;
}

/**
 * datetime-local has no zone: the script shows the platform's default in the instructor's zone and
 * posts each date as ISO 8601 (UTC) beside it, so the server never guesses a zone.
 */
const LOCAL_DATES_SCRIPT = `(function(){
var pad=function(n){return String(n).padStart(2,"0")};
var local=function(d){return d.getFullYear()+"-"+pad(d.getMonth()+1)+"-"+pad(d.getDate())+"T"+pad(d.getHours())+":"+pad(d.getMinutes())};
var note=document.getElementById("zone-note");
if(note)note.textContent="Times are in your time zone ("+Intl.DateTimeFormat().resolvedOptions().timeZone+").";
document.querySelectorAll("input[type=datetime-local][data-iso]").forEach(function(input){input.value=local(new Date(input.dataset.iso))});
var form=document.querySelector("form");
form.addEventListener("submit",function(){
document.querySelectorAll("input[type=datetime-local]").forEach(function(input){
var iso=form.elements[input.name.replace(/Local$/,"")];
if(iso)iso.value=input.value?new Date(input.value).toISOString():"";
});
});
})();`;

export interface AutoPostPageInput {
  /** Another origin (the platform): the only place the form may post to. */
  readonly action: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly title: string;
  /** Omitted: no frame-ancestors directive (the page only forwards to `action`). */
  readonly frameAncestors?: readonly string[];
}

export function autoPostPage(input: AutoPostPageInput): Page {
  const action = URL.canParse(input.action) ? new URL(input.action) : null;
  if (!action || !/^https?:$/.test(action.protocol)) throw new Error(`autoPostPage action must be an absolute http(s) URL, got ${JSON.stringify(input.action)}`);
  const nonce = freshNonce();
  const fields = Object.entries(input.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("\n");
  const body = `<main>
<h1>${escapeHtml(input.title)}</h1>
<form id="autopost" method="post" action="${escapeHtml(action.toString())}">
${fields}
<p>If nothing happens, press the button.</p>
<button type="submit">Continue</button>
</form>
</main>`;
  // A field named "submit" would shadow form.submit, so call the prototype's method.
  const script = `HTMLFormElement.prototype.submit.call(document.getElementById("autopost"));`;
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    `form-action ${action.origin}`,
    "base-uri 'none'",
    ...(input.frameAncestors === undefined ? [] : [frameAncestorsDirective(input.frameAncestors)]),
  ].join("; ");
  return { html: htmlDocument(input.title, nonce, body, script), contentSecurityPolicy: csp };
}
