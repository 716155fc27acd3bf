/**
 * Off a terminal (a log, CI) progress is plain lines, not a redrawn bar: a long job prints one
 * when this many seconds pass without one, so a log shows it is alive without flooding.
 */
export const PLAIN_PROGRESS_SECONDS = 30;
