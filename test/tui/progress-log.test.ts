import { describe, expect, it } from "vitest";
import type { FeedInfo } from "../../tui/feed.js";
import { followPlain } from "../../tui/progress-log.js";
import { UpdateLog } from "../../tui/update-log.js";
import { event, TWIN_INFO, twinRun } from "./feed-fixture.js";

describe("the plain progress log (stdout not a terminal)", () => {
  it("logs events, windows and convergence, marks rollbacks, and ends with the outcome", async () => {
    const log = new UpdateLog(TWIN_INFO);
    let text = "";
    const plain = followPlain(log, (line) => {
      text += line;
    });
    for (const update of twinRun()) log.push(update);
    log.push({
      type: "finished",
      converged: true,
      atMinutes: 25,
      before: { throughputRps: 2000, p95LatencyMs: 20 },
      after: { throughputRps: 2500, p95LatencyMs: 15 },
      note: "2 kept, 1 reverted",
    });
    await plain.done;
    plain.stop();
    const lines = text.split("\n");
    expect(lines[0]).toBe("twintune: tuning seed-fleet on the twin (40 simulated minutes at most, at full speed)");
    expect(lines).toContain("    5m   numa apply cpu-affinity web-1 0-15 → 0-7: apply cpu-affinity");
    expect(lines).toContain("   15m ↺ io revert io-scheduler sda mq-deadline → bfq -14.0%: p95 14.0% worse");
    expect(lines).toContain("   10m   window 5m-10m: +18.5%");
    expect(lines).toContain("   25m   converged at 25m");
    expect(lines).toContain("finished: converged at 25m; throughput ▲ +25%, p95 latency ▼ -25%");
    expect(lines).toContain("2 kept, 1 reverted");
    // One line per event, window and convergence; none per sample.
    expect(lines.filter((line) => /^ +\d+m /.test(line))).toHaveLength(8 + 5 + 1);
  });

  it("a live view logs its snapshots and ends at its finish", async () => {
    const info: FeedInfo = {
      title: "host-1",
      mode: "live apply",
      components: [],
      validates: false,
      controls: { pause: false, speed: false, revert: false },
    };
    const log = new UpdateLog(info);
    log.push({
      type: "snapshot",
      label: "baseline",
      time: 0,
      metrics: { cpuUtilization: 0.25, memoryUtilization: 0.5 },
    });
    log.push(event(0, "built-in tcp rules", "apply", { knob: "somaxconn", target: "host" }, { from: 4096, to: 8192 }));
    log.push({ type: "finished", converged: false, atMinutes: null, note: "Applied 1 change(s)." });
    let text = "";
    const plain = followPlain(log, (line) => {
      text += line;
    });
    await plain.done;
    expect(text).toBe(
      [
        "twintune live apply: host-1",
        "baseline: cpu util 25.0%, memory util 50.0%",
        "    0m   built-in tcp rules apply somaxconn host 4096 → 8192: apply somaxconn",
        "done",
        "Applied 1 change(s).",
        "",
      ].join("\n"),
    );
  });
});
