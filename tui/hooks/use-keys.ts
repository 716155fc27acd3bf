import { type Key, useApp, useInput } from "ink";
import type { FeedInfo, TuiCommand } from "../feed.js";
import type { LogScroll } from "./use-log-scroll.js";

/**
 * The keys: space pause/resume, + and - speed, r revert the last change, arrows and page keys
 * scroll the history (End follows it again), q or Ctrl-C quit. A key the feed does not allow
 * (a live view is read-only) says so instead of doing nothing.
 */
const NO_MODIFIERS = {} as Key;

export function useKeys(
  info: FeedInfo,
  scroll: LogScroll,
  page: number,
  onCommand: (command: TuiCommand) => void,
  say: (text: string) => void,
): void {
  const { exit } = useApp();
  useInput((input, key) => {
    // Keys typed faster than a frame (or pasted) arrive as one string: act on each in turn.
    const plain = !key.ctrl && !key.meta && input.length > 1;
    for (const one of plain ? [...input] : [input]) {
      if (one === "q" || (key.ctrl && one === "c")) {
        onCommand(one === "q" ? "quit" : "interrupt");
        exit();
        return;
      }
      actOn(one, plain ? NO_MODIFIERS : key);
    }
  });

  function actOn(input: string, key: Key): void {
    const readOnly = `read-only view of a ${info.mode}: no pause, speed or revert here`;
    const control = (allowed: boolean, command: TuiCommand, refusal = readOnly) =>
      allowed ? onCommand(command) : say(refusal);
    if (key.upArrow) scroll.scroll(1);
    else if (key.downArrow) scroll.scroll(-1);
    else if (key.pageUp) scroll.scroll(page);
    else if (key.pageDown) scroll.scroll(-page);
    else if (key.end) scroll.follow();
    else if (input === " ") control(info.controls.pause, "toggle-pause");
    else if (input === "+" || input === "=") control(info.controls.speed, "faster");
    else if (input === "-" || input === "_") control(info.controls.speed, "slower");
    else if (input === "r")
      control(info.controls.revert, "revert-last", `${readOnly} ('twintune live revert' restores what apply changed)`);
  }
}
