import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return files(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const code = (path: string) =>
  readFileSync(join(ROOT, path), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "");

/** Static imports (`import ... from "x"`, `export ... from "x"`), not `import("x")`. */
function staticImports(path: string): string[] {
  return [...code(path).matchAll(/^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gm)].map((m) => m[1] as string);
}

describe("the terminal UI's seams (DESIGN.md: the TUI receives a read-only stream, never a Backend)", () => {
  it("tui/ imports nothing from sim/ or live/, and never the Backend or the orchestrator", () => {
    const offenders = files("tui").filter((path) =>
      staticImports(path).some(
        (from) => /(\.\.\/)+(sim|live)\//.test(from) || /orchestrator\/orchestrator\.js$/.test(from),
      ),
    );
    expect(offenders).toEqual([]);
    const backendUsers = files("tui").filter((path) => /\bBackend\b/.test(code(path)));
    expect(backendUsers).toEqual([]);
  });

  it("ink and react load only on the screen's code path: nothing outside tui/ imports them statically", () => {
    const outside = [...files("src"), ...files("sim"), ...files("live")];
    const offenders = outside.filter((path) =>
      staticImports(path).some(
        (from) => from === "ink" || from === "react" || /tui\/(render-tui|components|hooks|theme)/.test(from),
      ),
    );
    expect(offenders).toEqual([]);
    // The plain log path (progress-log, update-log, view-state) does not pull react in either.
    for (const path of [
      "tui/progress-log.ts",
      "tui/update-log.ts",
      "tui/view-state.ts",
      "tui/format.ts",
      "tui/chart.ts",
    ])
      expect(staticImports(path).filter((from) => from === "ink" || from === "react")).toEqual([]);
  });

  it("the checks above would catch a violation", () => {
    expect(/(\.\.\/)+(sim|live)\//.test("../sim/sim-backend.js")).toBe(true);
    const sample = 'import { render } from "ink";\nexport { x } from "../tui/render-tui.js";';
    expect([...sample.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gm)].map((m) => m[1])).toEqual([
      "ink",
      "../tui/render-tui.js",
    ]);
  });
});
