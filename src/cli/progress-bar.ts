/** "1m02s", "45s", "2h05m". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * One line of progress: a bar, runs done of total, elapsed time and the time left at the rate
 * of this session's runs so far (runs found done on resume do not count towards the rate).
 */
export function progressLine(
  done: number,
  total: number,
  doneThisSession: number,
  elapsedSeconds: number,
  width = 24,
): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * width);
  const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
  const left = total - done;
  const eta =
    left === 0
      ? "done"
      : doneThisSession > 0
        ? `ETA ${formatSeconds((elapsedSeconds / doneThisSession) * left)}`
        : "ETA --";
  return `[${bar}] ${done}/${total} runs ${Math.floor(share * 100)}%  ${formatSeconds(elapsedSeconds)} elapsed  ${eta}`;
}
