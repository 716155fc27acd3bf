import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx)$/.test(name)) out.push(path);
  }
  return out;
}

/** Code with comments and string contents blanked, so only real code is searched. */
function code(path: string): string {
  return readFileSync(join(ROOT, path), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "");
}

describe("the design's seams (shared/DESIGN.md)", () => {
  it("src/ imports sim/, live/ or tui/ only from the composition root src/cli/", () => {
    const offenders = sourceFiles("src")
      .filter((path) => !path.startsWith(join("src", "cli")))
      .filter(
        (path) =>
          /from\s+["'](\.\.\/)+(sim|live|tui)\//.test(code(path)) ||
          /import\(["'](\.\.\/)+(sim|live|tui)\//.test(code(path)),
      );
    expect(offenders).toEqual([]);
  });

  it("engine code gets time and randomness injected: no Math.random, Date.now or new Date()", () => {
    // The profiler and flame graphs measure the real process, and cli/ is the composition root.
    const exempt = [
      join("src", "cli"),
      join("src", "profiler"),
      join("src", "flamegraph"),
      join("src", "wall-clock.ts"),
    ];
    const engine = [...sourceFiles("sim"), ...sourceFiles("src")].filter(
      (path) => !exempt.some((prefix) => path.startsWith(prefix)),
    );
    expect(engine.length).toBeGreaterThan(10);
    const offenders = engine.filter((path) =>
      /Math\.random\s*\(|Date\.now\s*\(|new Date\s*\(\s*\)|performance\.now\s*\(/.test(code(path)),
    );
    expect(offenders.map((path) => relative(".", path))).toEqual([]);
  });

  it("the checks above would catch a violation", () => {
    expect(/from\s+["'](\.\.\/)+(sim|live|tui)\//.test('import { x } from "../../sim/kernel.js";')).toBe(true);
    expect(/Math\.random\s*\(|Date\.now\s*\(|new Date\s*\(\s*\)/.test("const t = Date.now();")).toBe(true);
  });
});
