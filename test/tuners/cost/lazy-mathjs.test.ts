import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..", "..");

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("mathjs is loaded only where needed (it takes most of a second to import)", () => {
  it("only src/math/least-squares.ts imports it, and only on first use", () => {
    const importers = [...files("src"), ...files("sim")].filter((path) =>
      /["']mathjs["']/.test(readFileSync(join(ROOT, path), "utf8")),
    );
    expect(importers).toEqual([join("src", "math", "least-squares.ts")]);
    const source = readFileSync(join(ROOT, "src", "math", "least-squares.ts"), "utf8");
    expect(source).not.toMatch(/^import .* from "mathjs"/m);
    expect(source).toMatch(/import\("mathjs"\)/);
  });
});
