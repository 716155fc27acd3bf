import type { FeedInfo, FeedUpdate, TuiFeed } from "./feed.js";

/**
 * A TuiFeed that remembers what it was given: a subscriber first receives every update so far,
 * then each new one, so a view mounted late (or a second view) misses nothing. The producer
 * pushes; views only read.
 */
export class UpdateLog implements TuiFeed {
  private readonly updates: FeedUpdate[] = [];
  private readonly listeners = new Set<(update: FeedUpdate) => void>();

  constructor(readonly info: FeedInfo) {}

  push(update: FeedUpdate): void {
    this.updates.push(update);
    for (const listener of this.listeners) listener(update);
  }

  /** How many updates were pushed so far. */
  get size(): number {
    return this.updates.length;
  }

  subscribe(listener: (update: FeedUpdate) => void): () => void {
    for (const update of this.updates) listener(update);
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
