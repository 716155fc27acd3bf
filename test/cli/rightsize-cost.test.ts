import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { fakeIO } from "../helpers/fake-io.js";
import { spawnCli } from "../helpers/spawn-cli.js";
import { WORKED_CATALOG_YAML, workedCsv } from "../helpers/worked-example.js";

const dir = mkdtempSync(join(tmpdir(), "cli-"));
const run = async (argv: string[]) => {
  const io = { ...fakeIO(), cwd: dir };
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
};

beforeAll(async () => {
  expect((await run(["fleet", "generate", "--vms", "40", "--days", "8", "--seed", "3", "--out", "fleet"])).code).toBe(
    0,
  );
  writeFileSync(join(dir, "worked.yaml"), WORKED_CATALOG_YAML);
  writeFileSync(join(dir, "worked.csv"), workedCsv());
}, 60_000);

describe("twintune fleet generate", () => {
  it("writes the same files for the same seed and says what it wrote", async () => {
    const again = await run([
      "fleet",
      "generate",
      "--vms",
      "40",
      "--days",
      "8",
      "--seed",
      "3",
      "--out",
      "again",
      "--json",
    ]);
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.out);
    expect(summary).toMatchObject({
      trace: "again/trace.csv",
      truth: "again/truth.json",
      vms: 40,
      days: 8,
      horizonDays: 7,
      seed: 3,
      rows: 40 * 8 * 288,
    });
    expect(readFileSync(join(dir, "again", "trace.csv"), "utf8")).toBe(
      readFileSync(join(dir, "fleet", "trace.csv"), "utf8"),
    );
  });

  it("--out: replaces an earlier generation, refuses a folder holding anything else", async () => {
    mkdirSync(join(dir, "notes"));
    writeFileSync(join(dir, "notes", "todo.txt"), "mine\n");
    const args = ["fleet", "generate", "--vms", "3", "--days", "1", "--seed", "9"];
    const refused = await run([...args, "--out", "notes"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      "twintune: --out notes holds other files (todo.txt); give a new or empty folder, or one an earlier 'fleet generate' wrote\n",
    );
    expect(readdirSync(join(dir, "notes"))).toEqual(["todo.txt"]);
    expect((await run([...args, "--out", "regen"])).code).toBe(0);
    expect((await run([...args.slice(0, 3), "4", ...args.slice(4), "--out", "regen"])).code).toBe(0);
    expect(readdirSync(join(dir, "regen")).sort()).toEqual(["trace.csv", "truth.json"]);
    expect(JSON.parse(readFileSync(join(dir, "regen", "truth.json"), "utf8")).vms).toBe(4);
    // A killed run's temporary (its pid gone) is removed; a running writer's is left alone.
    const gone = spawnSync("true").pid as number;
    writeFileSync(join(dir, "regen", `.trace.csv.tmp-${gone}-1`), "partial");
    writeFileSync(join(dir, "regen", `.truth.json.tmp-${process.pid}-1`), "in progress");
    expect((await run([...args, "--out", "regen"])).code).toBe(0);
    expect(readdirSync(join(dir, "regen")).sort()).toEqual([
      `.truth.json.tmp-${process.pid}-1`,
      "trace.csv",
      "truth.json",
    ]);
  });

  it("rejects bad calls with a usage error", async () => {
    for (const argv of [
      ["fleet"],
      ["fleet", "make"],
      ["fleet", "generate", "--vms", "10"],
      ["fleet", "generate", "--vms", "0", "--days", "1", "--seed", "1", "--out", "x"],
      ["fleet", "generate", "--vms", "1", "--days", "1", "--seed", "1", "--out", "x", "--horizon", "soon"],
    ]) {
      const result = await run(argv);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.err).toMatch(/^twintune: /);
    }
  });
});

describe("twintune rightsize", () => {
  it("prints the JSON the issue specifies", async () => {
    const { code, out } = await run(["rightsize", "fleet/trace.csv", "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(Object.keys(report)).toEqual(["recommendations", "summary"]);
    expect(report.recommendations).toHaveLength(40);
    for (const rec of report.recommendations) {
      expect(Object.keys(rec)).toEqual(["vm", "action", "from", "to", "confidence", "monthlySavingsUsd", "reasons"]);
      expect(["downsize", "upsize", "maintain", "terminate", "insufficient-data"]).toContain(rec.action);
      if (rec.action === "maintain") expect(rec.to).toBe(rec.from);
      expect(rec.reasons.length).toBeGreaterThan(0);
    }
    expect(Object.keys(report.summary)).toEqual([
      "vms",
      "currentMonthlyUsd",
      "recommendedMonthlyUsd",
      "savingsPercent",
    ]);
    const saved = report.recommendations.reduce(
      (sum: number, rec: { monthlySavingsUsd: number }) => sum + rec.monthlySavingsUsd,
      0,
    );
    expect(report.summary.recommendedMonthlyUsd).toBeCloseTo(report.summary.currentMonthlyUsd - saved, 0);
  });

  it("prints a table and a summary, and compares with the baselines against the truth", async () => {
    const { code, out } = await run(["rightsize", "--compare", "fleet/truth.json", "fleet/trace.csv"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^vm\s+action\s+from\s+to\s+confidence\s+saves\/month\s+why/);
    expect(out).toMatch(/^40 VMs: \d+ downsize/m);
    expect(out).toMatch(/40 VMs scored against the truth/);
    for (const method of ["twintune \\(balanced\\)", "VPA", "KRR simple", "AWS Compute Optimizer"])
      expect(out).toMatch(new RegExp(`^${method}\\s+\\d+\\.\\d%`, "m"));
  });

  it("refuses a truth.json of another fleet (same VM names, other types) instead of scoring against it", async () => {
    const other = await run(["fleet", "generate", "--vms", "40", "--days", "2", "--seed", "4", "--out", "seed4"]);
    expect(other.code).toBe(0);
    const { code, err } = await run(["rightsize", "--compare", "seed4/truth.json", "fleet/trace.csv"]);
    expect(code).toBe(1);
    expect(err).toMatch(
      /seed4\/truth\.json is not the truth of this trace: vm-\d+ runs \S+ in the trace but \S+ in the truth \(\d+ of 40 shared VMs differ\)/,
    );
  });

  it("explains bad input: missing file, bad row, unknown type, bad policy", async () => {
    writeFileSync(
      join(dir, "bad.csv"),
      "timestamp,vm,instance_type,cpu,mem\n0,a,m5.large,0.5,0.5\n300,a,m5.large,50,0.5\n",
    );
    writeFileSync(join(dir, "typo.csv"), "timestamp,vm,instance_type,cpu,mem\n0,a,m5.larg,0.5,0.5\n");
    expect(await run(["rightsize", "nope.csv"])).toMatchObject({
      code: 1,
      err: "twintune: nope.csv: no such file\n",
    });
    expect(await run(["rightsize", "bad.csv"])).toMatchObject({
      code: 1,
      err: "twintune: bad.csv:3: column 'cpu': expected a fraction between 0 and 1, got '50' (a percentage? divide by 100)\n",
    });
    const skipped = await run(["rightsize", "bad.csv", "--skip-bad-rows", "--json"]);
    expect(skipped.code).toBe(0);
    expect(skipped.err).toMatch(/^twintune: skipped 1 malformed row; the first:\n {2}bad\.csv:3: column 'cpu'/);
    expect(JSON.parse(skipped.out).recommendations[0].action).toBe("insufficient-data");
    const typo = await run(["rightsize", "typo.csv"]);
    expect(typo.code).toBe(1);
    expect(typo.err).toMatch(
      /typo\.csv:2: column 'instance_type': unknown instance type 'm5\.larg': not in .*instances\.yaml; close names: m5\.large/,
    );
    const policy = await run(["rightsize", "bad.csv", "--policy", "cheap"]);
    expect(policy.code).toBe(2);
    expect(policy.err).toMatch(
      /--policy expects one of balanced, conservative, aggressive, user-facing, batch, got 'cheap'/,
    );
    writeFileSync(join(dir, "bad.yaml"), "instances:\n  - { name: std, vcpus: two, memoryGiB: 16, hourlyUsd: 0.1 }\n");
    expect(await run(["rightsize", "worked.csv", "--catalog", "bad.yaml"])).toMatchObject({ code: 1 });
    expect((await run(["rightsize", "worked.csv", "--catalog", "bad.yaml"])).err).toMatch(
      /bad\.yaml:2: instances\[0\]\.vcpus: expected a number, got "two"/,
    );
  });
});

describe("twintune cost", () => {
  it("prints the worked example's plan exactly, and the 30-day forecast", async () => {
    const { code, out } = await run(["cost", "worked.csv", "--catalog", "worked.yaml"]);
    expect(code).toBe(0);
    expect(out).toMatch(/Current: 10 VMs on demand = \$730\.00\/month/);
    expect(out).toMatch(/1\. Right-size 5 VMs:\s+-\$182\.50\/month \(25%\)/);
    expect(out).toMatch(/2\. Spot for 3 VMs:\s+-\$153\.30\/month \(21%\)/);
    expect(out).toMatch(/3\. Commit for 2 VMs:\s+-\$58\.40\/month \(8%\)/);
    expect(out).toMatch(/Total savings: \$394\.20\/month \(54%\); plan cost \$335\.80\/month/);
    expect(out).toMatch(/Next 30 days: \$331\.20 expected \(95% interval \$331\.20 to \$331\.20\)/);
  });

  it("gives the plan, the Pareto options and the forecast as JSON", async () => {
    const { code, out } = await run(["cost", "worked.csv", "--catalog", "worked.yaml", "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.plan.totals.savingsUsd).toBe(394.2);
    // web-1 runs steadily: its cheapest risk-free option is the small type, reserved (0.05 × 0.6 × 730).
    expect(report.plan.vms[0].pareto[0]).toEqual({ type: "half", pricing: "reserved-1y", monthlyUsd: 21.9, risk: 0 });
    expect(report.forecast.fleet.costUsd.expected).toBe(331.2);
    const pareto = await run(["cost", "worked.csv", "--catalog", "worked.yaml", "--pareto"]);
    expect(pareto.out).toMatch(/Pareto options/);
  });
});

describe("a plan that costs more than today", () => {
  it("says 'more', not a negative saving, when the right size is bigger", async () => {
    const rows = ["timestamp,vm,instance_type,cpu,mem"];
    for (let k = 0; k < 14 * 288; k++) rows.push(`${1767571200 + k * 300},busy,half,0.95,0.5`);
    writeFileSync(join(dir, "busy.csv"), `${rows.join("\n")}\n`);
    const rightsize = await run(["rightsize", "busy.csv", "--catalog", "worked.yaml"]);
    expect(rightsize.code).toBe(0);
    expect(rightsize.out).toContain("on-demand cost $36.50/month now, $73.00/month recommended (100.0% more)");
    const cost = await run(["cost", "busy.csv", "--catalog", "worked.yaml"]);
    expect(cost.code).toBe(0);
    expect(cost.out).toMatch(/1\. Right-size 1 VMs: +\+\$36\.50\/month \(100% more\)/);
    expect(cost.out).not.toMatch(/\(-\d+%/);
    // Three years at most: a trend extrapolated further says nothing.
    const far = await run(["cost", "busy.csv", "--catalog", "worked.yaml", "--horizon", "100000d"]);
    expect(far.code).toBe(2);
    expect(far.err).toMatch(
      /^twintune: --horizon expects at most 1095d \(a trend extrapolated further says nothing; reservations end at 3 years\), got '100000d'\n/,
    );
  });
});

describe("fleet generate stopped by a signal", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "%s mid-write removes the half-written trace and the folder it made",
    async (signal, code) => {
      const out = join(mkdtempSync(join(tmpdir(), "fleet-stop-")), "demo");
      const child = spawnCli(["fleet", "generate", "--vms", "20000", "--days", "14", "--seed", "2", "--out", out]);
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (status) => resolve(status)));
      const started = Date.now();
      // Stopped once the trace is being written (its hidden temporary exists).
      while (
        Date.now() - started < 30_000 &&
        !(existsSync(out) && readdirSync(out).some((n) => n.startsWith(".trace")))
      )
        await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(stderr).toContain(`twintune: ${signal}: stopped; nothing was written`);
      expect(existsSync(out)).toBe(false);
    },
    60_000,
  );
});
