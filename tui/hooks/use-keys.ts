import { useApp, useInput } from "ink";
import type { FeedInfo, TuiCommand } from "../feed.js";
import type { LogScroll } from "./use-log-scroll.js";

/**
 * The keys: space pause/resume, + and - speed, r revert the last change, arrows and page keys
 * scroll the history (End follows it again), q or Ctrl-C quit. A key the feed does not allow
 * (a live view is read-only) says so instead of doing nothing.
 */
export function useKeys(
  info: FeedInfo,
  scroll: LogScroll,
  page: number,
  onCommand: (command: TuiCommand) => void,
  say: (text: string) => void,
): void {
  const { exit } = useApp();
  useInput((input, key) => {
    if (input === "q" || (key.ctrl && input === "c")) {
      onCommand("quit");
      exit();
      return;
    }
    if (key.upArrow) return scroll.scroll(1);
    if (key.downArrow) return scroll.scroll(-1);
    if (key.pageUp) return scroll.scroll(page);
    if (key.pageDown) return scroll.scroll(-page);
    if (key.end) return scroll.follow();
    const readOnly = `read-only view of a ${info.mode}: no pause, speed or revert here`;
    if (input === " ") return info.controls.pause ? onCommand("toggle-pause") : say(readOnly);
    if (input === "+" || input === "=") return info.controls.speed ? onCommand("faster") : say(readOnly);
    if (input === "-" || input === "_") return info.controls.speed ? onCommand("slower") : say(readOnly);
    if (input === "r")
      return info.controls.revert
        ? onCommand("revert-last")
        : say(`${readOnly} ('twintune live revert' restores what apply changed)`);
  });
}
