import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { annotateBefore } from "../../src/flamegraph/diff.js";
import { parseFolded } from "../../src/flamegraph/folded-parser.js";
import { buildFrameTree } from "../../src/flamegraph/frame-tree.js";
import { renderHtml } from "../../src/flamegraph/html-renderer.js";

// Debian's chromium (installed by .ci/run), driven through playwright-core's CDP client.
const CHROMIUM = "/usr/bin/chromium";
const missing = !existsSync(CHROMIUM);

// total 10: all 1180 px; main 6 (708 px), a 4 (472), y 3 (354), b 2 (236), x 2 (236), other 4 (472).
const FOLDED = "main;a;y 3\nmain;a 1\nmain;b;x 2\nother 4\n";

describe.skipIf(missing)(
  `interactive flame graph page in headless Chromium${missing ? ` (skipped: ${CHROMIUM} not installed; apt-get install chromium)` : ""}`,
  () => {
    let dir: string;
    let context: BrowserContext;
    let page: Page;
    const requests: string[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "twintune-html-"));
      context = await chromium.launchPersistentContext(join(dir, "profile"), {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      page = context.pages()[0] ?? (await context.newPage());
      page.on("request", (request) => requests.push(request.url()));
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function open(html: string): Promise<void> {
      const path = join(dir, `page-${requests.length}.html`);
      writeFileSync(path, html);
      await page.goto(pathToFileURL(path).href);
    }

    const width = async (name: string) =>
      Number(await page.locator(`#flame .frame[data-name="${name}"] rect`).first().getAttribute("width"));
    const fill = (name: string) => page.locator(`#flame .frame[data-name="${name}"] rect`).first().getAttribute("fill");
    const search = async (term: string) => {
      await page.fill("#search", term);
      await page.click("#search-form button[type=submit]");
    };

    it("draws every frame with widths proportional to samples, and loads nothing from the network", async () => {
      await open(renderHtml(buildFrameTree(parseFolded(FOLDED))));
      expect(await page.locator("#flame .frame").count()).toBe(7);
      expect(await width("all")).toBe(1180);
      expect(await width("main")).toBe(708);
      expect(await width("a")).toBe(472);
      expect(await width("other")).toBe(472);
      expect(await page.locator('#flame .frame[data-name="main"] title').textContent()).toBe(
        "main (6 samples, 60.00%)",
      );
      expect(requests.every((url) => url.startsWith("file:"))).toBe(true);
    });

    it("search highlights the matches and reports their share, nested matches counted once", async () => {
      await search("^[xy]$");
      expect(await fill("x")).toBe("rgb(230,0,230)");
      expect(await fill("y")).toBe("rgb(230,0,230)");
      expect(await fill("a")).not.toBe("rgb(230,0,230)");
      expect(await page.textContent("#matched")).toBe("Matched: 50.00%");
      await search("^(a|y)$"); // y sits on a: 4 samples, not 7
      expect(await page.textContent("#matched")).toBe("Matched: 40.00%");
      await search("("); // not a valid regex: searched literally
      expect(await page.textContent("#matched")).toBe("Matched: 0.00%");
      await page.click("#clear");
      expect(await page.textContent("#matched")).toBe("");
      expect(await fill("x")).not.toBe("rgb(230,0,230)");
    });

    it("clicking a frame zooms: it spans the width, children scale, ancestors fade, the rest hides; reset restores", async () => {
      await page.click('#flame .frame[data-name="a"]');
      expect(await width("a")).toBe(1180);
      expect(await width("y")).toBe(885); // 3 of a's 4 samples
      expect(await page.locator('#flame .frame.ancestor[data-name="main"]').count()).toBe(1);
      expect(await page.locator('#flame .frame[data-name="other"]').count()).toBe(0);
      expect(await page.locator('#flame .frame[data-name="b"]').count()).toBe(0);
      expect(await page.isEnabled("#reset")).toBe(true);
      await page.click("#reset");
      expect(await width("a")).toBe(472);
      expect(await page.locator("#flame .frame").count()).toBe(7);
      expect(await page.isEnabled("#reset")).toBe(false);
      await page.click('#flame .frame[data-name="b"]');
      expect(await width("x")).toBe(1180);
      await page.keyboard.press("Escape");
      expect(await width("x")).toBe(236);
    });

    it("a differential page colours by the change in self share", async () => {
      const before = buildFrameTree(parseFolded("main;a 5\nmain;b 5\n"));
      const after = annotateBefore(buildFrameTree(parseFolded("main;a 16\nmain;b 4\n")), before);
      await open(renderHtml(after, { diffBeforeTotal: 10 }));
      expect(await fill("a")).toBe("rgb(255,0,0)");
      expect(await fill("b")).toBe("rgb(0,0,255)");
      expect(await page.locator('#flame .frame[data-name="a"] title').textContent()).toBe(
        "a (16 samples, 80.00%; self 5 → 16, +30.00%)",
      );
    });
  },
);
