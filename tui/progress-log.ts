import { changeText } from "./component-status.js";
import type { FeedUpdate, TuiFeed } from "./feed.js";
import { METRIC_ROWS, minutes, trend } from "./format.js";

/** A minute stamp for the log's first column: "   5m", "  12.5m". */
function stamp(min: number): string {
  return minutes(min).padStart(6);
}

function comparison(after: FeedUpdate & { type: "finished" }): string {
  if (after.before === undefined || after.after === undefined) return "";
  const parts = METRIC_ROWS.flatMap((row) => {
    const move = trend(after.after?.[row.key], after.before?.[row.key], row.better);
    return move === undefined ? [] : [`${row.label.toLowerCase()} ${move.arrow} ${move.text}`];
  });
  return parts.join(", ");
}

/**
 * The plain progress log a non-terminal stdout gets instead of the screen (a pipe, a file, CI):
 * one line per tuning event, window, convergence and notice, then the outcome. Samples are not
 * logged (one a minute would drown the rest). Resolves when the feed reports the end.
 */
export function followPlain(feed: TuiFeed, write: (line: string) => void): { done: Promise<void>; stop: () => void } {
  let startTime: number | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const min = (time: number) => (time - (startTime ?? time)) / 60_000;
  const { info } = feed;
  write(
    info.mode === "twin"
      ? `twintune: tuning ${info.title} on the twin (${info.durationMin ?? "?"} simulated minutes at most, at full speed)\n`
      : `twintune ${info.mode}: ${info.title}\n`,
  );
  let lastWindowEnd = 0;
  const stop = feed.subscribe((update) => {
    switch (update.type) {
      case "started":
        startTime = update.startTime;
        return;
      case "event": {
        const e = update.event;
        startTime ??= e.time;
        const mark = e.rolledBack
          ? "↺"
          : e.action === "fail" || e.action === "disable" || e.action === "freeze"
            ? "!"
            : " ";
        const impact = ["keep", "revert", "skip"].includes(e.action)
          ? ` ${e.impact >= 0 ? "+" : ""}${(e.impact * 100).toFixed(1)}%`
          : "";
        write(`${stamp(min(e.time))} ${mark} ${e.component} ${e.action} ${changeText(e)}${impact}: ${e.reason}\n`);
        return;
      }
      case "window":
        lastWindowEnd = update.endMin;
        write(
          `${stamp(update.endMin)}   window ${minutes(update.startMin)}-${minutes(update.endMin)}: ${update.improvementPct >= 0 ? "+" : ""}${update.improvementPct.toFixed(1)}%\n`,
        );
        return;
      case "converged":
        if (update.atMinutes === null)
          write(`${stamp(lastWindowEnd)}   not converged after all: a later change mattered\n`);
        else write(`${stamp(update.atMinutes)}   converged at ${minutes(update.atMinutes)}\n`);
        return;
      case "snapshot": {
        const shown = METRIC_ROWS.flatMap((row) => {
          const value = update.metrics[row.key];
          return value === undefined ? [] : [`${row.label.toLowerCase()} ${row.show(value)}`];
        });
        write(`${update.label}: ${shown.join(", ")}\n`);
        return;
      }
      case "notice":
        write(`note: ${update.text}\n`);
        return;
      case "finished": {
        const outcome =
          info.mode !== "twin"
            ? "done"
            : update.converged && update.atMinutes !== null
              ? `finished: converged at ${minutes(update.atMinutes)}`
              : `finished: not converged in ${info.durationMin ?? "?"} simulated minutes`;
        const compared = comparison(update);
        write(`${outcome}${compared ? `; ${compared}` : ""}\n${update.note}\n`);
        resolveDone();
        return;
      }
      case "error":
        write(`error: ${update.message}\n`);
        resolveDone();
        return;
      default:
        return;
    }
  });
  return { done, stop };
}
