// Reads vitest's JSON report and prints the line CI looks for:
//   tests: N passed, N failed, N skipped
// Exits 0 only if the run succeeded and at least one test ran.
import { readFileSync } from "node:fs";

const path = process.argv[2] ?? "vitest-report.json";
let report;
try {
  report = JSON.parse(readFileSync(path, "utf8"));
} catch (error) {
  console.log(`tests: 0 passed, 0 failed, 0 skipped (no report at ${path}: ${error.message})`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(report.success && report.numTotalTests > 0 && failed === 0 ? 0 : 1);
