import { readFileSync } from "node:fs";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analytics, type Analytics } from "../server/routes/analytics.ts";
import { launchChromium } from "./helpers/browser-chromium.ts";

const SCREENSHOT = "/tmp/autograde-browser-analytics.png";

const data: Analytics = analytics.parse({
  catalogueVersions: ["0123456789ab", "ba9876543210"],
  exercises: [
    {
      id: "conv_forward",
      submissions: 40,
      students: 12,
      studentsWithFullMarks: 9,
      medianAttemptsToFullMarks: 3,
      cases: [
        { name: "x=[10,4,4,3] f=2 C=8 s=1 p=2 b=[1,1,3,8]", visible: true, attempts: 40, passed: 34, passRate: 0.85 },
        { name: "x=[2,5,5,3] f=3 C=4 s=2 p=1 b=[1,1,1,4]", visible: false, attempts: 40, passed: 18, passRate: 0.45 },
        { name: "x=[1,7,5,1] f=3 C=2 s=3 p=0 b=[1,1,1,2]", visible: false, attempts: 40, passed: 10, passRate: 0.25 },
      ],
      mistakes: [
        { id: "conv_forward/ignores_stride", hint: "stride", students: 6, cases: 30 },
        { id: "conv_forward/bias_added_once", hint: "bias", students: 3, cases: 9 },
      ],
    },
  ],
});

describe("the staff analytics charts, in Chromium", () => {
  let browser: Browser;
  let bundle: string;
  beforeAll(async () => {
    browser = await launchChromium();
    const built = await build({
      stdin: { contents: 'import { renderAnalytics } from "./web/src/analytics-view.ts"; (globalThis as any).renderAnalytics = renderAnalytics;', loader: "ts", resolveDir: process.cwd() },
      bundle: true,
      format: "iife",
      write: false,
      platform: "browser",
    });
    bundle = built.outputFiles[0]!.text;
  });
  afterAll(async () => browser?.close());

  it("draws each case's pass rate and the top mistakes as bars, with the numbers beside them", async () => {
    const page = await browser.newPage({ viewport: { width: 760, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const css = readFileSync("node_modules/uplot/dist/uPlot.min.css", "utf8");
    await page.setContent(`<!doctype html><html><head><style>${css}</style></head><body><main id="root"></main></body></html>`);
    await page.addScriptTag({ content: bundle });
    await page.evaluate((d) => (globalThis as unknown as { renderAnalytics(root: unknown, data: unknown): void }).renderAnalytics((globalThis as unknown as { document: { getElementById(id: string): unknown } }).document.getElementById("root"), d), data);
    const charts = page.locator("figure.analytics-chart");
    expect(await charts.count()).toBe(2);
    expect(await charts.nth(0).locator(".u-title").textContent()).toBe("conv_forward: pass rate per case");
    expect(await charts.nth(0).locator("li").allTextContents()).toEqual(data.exercises[0]!.cases.map((c) => `${c.name}: ${c.passRate}`));
    expect(await charts.nth(1).locator("li").allTextContents()).toEqual(["conv_forward/ignores_stride: 6", "conv_forward/bias_added_once: 3"]);
    await expect(page.locator("[role=note]").textContent()).resolves.toContain("2 catalogue versions are mixed");
    // The bars are drawn: count the canvas pixels in the bar colour (#2563eb) of each chart.
    const barPixels = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ width: number; height: number; getContext(k: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }> } }).document;
      return Array.from(doc.querySelectorAll("figure.analytics-chart canvas"), (canvas) => {
        const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        let blue = 0;
        for (let i = 0; i < pixels.length; i += 4) if (pixels[i] === 0x25 && pixels[i + 1] === 0x63 && pixels[i + 2] === 0xeb) blue++;
        return blue;
      });
    });
    expect(barPixels).toHaveLength(2);
    for (const count of barPixels) expect(count).toBeGreaterThan(500);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
