import { access } from "node:fs/promises";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";

/** Debian's Chromium; playwright never downloads a browser here. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Quiet, offline-minded flags: no component updates, sync or QUIC probes that would leave the machine. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** playwright's launch() gives every browser a fresh temporary user-data dir. */
export async function launchChromium(): Promise<Browser> {
  try {
    await access(CHROMIUM_PATH);
  } catch {
    throw new Error(`browser tests need Debian's Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** What a context did that the page must never do: reach another origin or trip its own CSP. */
export interface PageWatch {
  readonly requests: string[];
  readonly problems: string[];
  watch(page: Page): void;
}

export function watchContext(context: BrowserContext): PageWatch {
  const requests: string[] = [];
  const problems: string[] = [];
  context.on("request", (request) => requests.push(request.url()));
  return {
    requests,
    problems,
    watch(page) {
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("console", (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
      });
    },
  };
}

/** A new context at `width`, watched into `watches`, signed in with `key` on the page at `url`. */
export async function signedInPage(browser: Browser, { url, key, width, watches }: { url: string; key: string; width: number; watches: PageWatch[] }): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const watch = watchContext(context);
  watches.push(watch);
  const page = await context.newPage();
  watch.watch(page);
  await page.goto(`${url}/`);
  await page.getByLabel("API key").waitFor();
  await page.keyboard.type(key);
  await page.keyboard.press("Enter");
  return page;
}

/** Requests whose origin is neither the page's own nor a local scheme (data:, blob:). */
export function foreignRequests(requests: readonly string[], pageOrigin: string): string[] {
  return requests.filter((url) => !url.startsWith("data:") && !url.startsWith("blob:") && new URL(url).origin !== pageOrigin);
}

/** The page's globals this suite uses, typed here because the root tsconfig has no DOM library. */
interface PageGlobals {
  DataTransfer: new () => { setData(format: string, data: string): void };
  ClipboardEvent: new (type: string, init: { clipboardData: unknown; bubbles: boolean; cancelable: boolean }) => unknown;
  document: { documentElement: { scrollWidth: number } };
  innerWidth: number;
}

/** A real paste event with the text on its clipboard, so CodeMirror takes its own paste path. */
export async function dispatchPaste(target: Locator, text: string): Promise<void> {
  await target.evaluate((element, pasted) => {
    const page = globalThis as unknown as PageGlobals;
    const clipboardData = new page.DataTransfer();
    clipboardData.setData("text/plain", pasted);
    element.dispatchEvent(new page.ClipboardEvent("paste", { clipboardData, bubbles: true, cancelable: true }) as Event);
  }, text);
}

export async function fitsViewportWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as PageGlobals;
    return document.documentElement.scrollWidth <= innerWidth;
  });
}
