import { useCallback, useRef, useState } from "react";

export interface LogScroll {
  /** Entries hidden below the window (0: following the newest). */
  offset: number;
  /** Moves the window by `delta` entries (positive: older), within the log. */
  scroll(delta: number): void;
  /** Back to following the newest entry. */
  follow(): void;
}

interface Anchor {
  offset: number;
  /** The log's length when the offset was set. */
  total: number;
}

/** The offset now: while scrolled back, entries that arrived since push the window up so it stays on the same ones. */
export function currentOffset(anchor: Anchor, total: number, visible: number): number {
  if (anchor.offset === 0) return 0;
  return Math.min(Math.max(0, total - visible), anchor.offset + (total - anchor.total));
}

/** Scrolling the history log: following the newest entries until scrolled back. */
export function useLogScroll(total: number, visible: number): LogScroll {
  const [anchor, setAnchor] = useState<Anchor>({ offset: 0, total });
  const length = useRef(total);
  length.current = total;
  const scroll = useCallback(
    (delta: number) =>
      setAnchor((previous) => {
        const now = length.current;
        const offset = currentOffset(previous, now, visible) + delta;
        return { offset: Math.min(Math.max(0, now - visible), Math.max(0, offset)), total: now };
      }),
    [visible],
  );
  const follow = useCallback(() => setAnchor({ offset: 0, total: length.current }), []);
  return { offset: currentOffset(anchor, total, visible), scroll, follow };
}
