#!/usr/bin/env node
// The twintune executable: runs the compiled CLI from dist/ (built by `npm ci` via `prepare`).
import { existsSync } from "node:fs";

const entry = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("twintune: the compiled program is missing (dist/); run `npm ci` or `npm run build` first.\n");
  process.exit(70);
}
const { main, stopWhenOutputCloses } = await import(entry.href);
stopWhenOutputCloses();
process.exitCode = await main(process.argv.slice(2));
