import type { JWTPayload } from "jose";
import { parseAutoPostForm, type TestPlatform } from "../../tests/helpers/lti-platform.ts";

/** One launch as a browser makes it, split by who answered each round trip. */
export interface TimedLaunch {
  readonly token: string;
  /** GET /lti/login on the tool, up to its 302 (body read). */
  readonly loginMs: number;
  /** The platform's /auth, up to its auto-post page. */
  readonly authMs: number;
  /** POST /lti/launch on the tool, up to its 303 (body read). */
  readonly launchMs: number;
}

const postForm = (url: string, fields: Record<string, string>) =>
  fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });

async function expectStatus(response: Response, status: number, what: string): Promise<string> {
  const body = await response.text();
  if (response.status !== status) throw new Error(`${what} answered ${response.status}, expected ${status}: ${body.slice(0, 300)}`);
  return body;
}

/**
 * Plays the browser between the tool and the local platform. Every body is read, so each figure
 * includes the transfer and the keep-alive connection is free for the next request.
 */
export function createLtiBrowser({ toolUrl, platform }: { toolUrl: string; platform: TestPlatform }) {
  const launchUrl = `${toolUrl}/lti/launch`;

  /** Login initiation -> platform /auth -> the auto-posted id_token; answers the tool's launch response. */
  async function play(loginHint: string, claims: JWTPayload) {
    platform.prepareLaunch({ loginHint, messageHint: `hint-for-${loginHint}`, claims });
    const initiation = platform.loginInitiation(`${toolUrl}/lti/login`, { loginHint, messageHint: `hint-for-${loginHint}`, targetLinkUri: launchUrl });
    const t0 = performance.now();
    const login = await fetch(initiation.url, { redirect: "manual" });
    await expectStatus(login, 302, "GET /lti/login");
    const t1 = performance.now();
    const auth = await fetch(login.headers.get("location")!);
    const form = parseAutoPostForm(await expectStatus(auth, 200, "platform /auth"));
    if (form.action !== launchUrl) throw new Error(`the platform posts to ${form.action}, expected ${launchUrl}`);
    const t2 = performance.now();
    const launch = await postForm(form.action, form.fields);
    const body = await launch.text();
    const t3 = performance.now();
    return { launch, body, loginMs: t1 - t0, authMs: t2 - t1, launchMs: t3 - t2 };
  }

  return {
    async launch(loginHint: string, claims: JWTPayload): Promise<TimedLaunch> {
      const { launch, body, loginMs, authMs, launchMs } = await play(loginHint, claims);
      const token = /^\/#launch=(lti_[A-Za-z0-9_-]+)$/.exec(launch.headers.get("location") ?? "")?.[1];
      if (launch.status !== 303 || !token) throw new Error(`POST /lti/launch answered ${launch.status} without a launch token: ${body.slice(0, 300)}`);
      return { token, loginMs, authMs, launchMs };
    },

    /** An instructor's deep linking that creates one resource link (with its line item) grading `exercises`. */
    async deepLink(exercises: string): Promise<void> {
      const { launch, body } = await play("bench-teacher", platform.deepLinkingClaims({ overrides: { sub: "bench-teacher" } }));
      if (launch.status !== 200) throw new Error(`deep-linking launch answered ${launch.status}: ${body.slice(0, 300)}`);
      const choice = parseAutoPostForm(body);
      const picked = await postForm(choice.action, { ...choice.fields, exercises });
      const back = parseAutoPostForm(await expectStatus(picked, 200, "POST /lti/deep-link"));
      const returned = await postForm(back.action, back.fields);
      await expectStatus(returned, 200, "the platform's deep-link return");
    },
  };
}
