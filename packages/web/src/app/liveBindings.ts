import type { ChannelSpec } from '../lib/channels';
import type { LiveClient } from '../lib/live-client';

/** Writes one channel's events into the query cache; `dispose` clears its timers. */
export interface LiveSync<E> {
  apply(events: E[]): void;
  dispose(): void;
}

type AnyEvent = { type: string; seq: number };

/**
 * Exactly one cache writer per channel, however many components need the channel: the first
 * `retain` subscribes it, the last release unsubscribes it and disposes the writer.
 */
export class LiveBindings {
  private readonly bound = new Map<string, { count: number; release: () => void }>();

  constructor(private readonly live: LiveClient) {}

  retain<E extends AnyEvent>(spec: ChannelSpec<E>, createSync: () => LiveSync<E>): () => void {
    let entry = this.bound.get(spec.path);
    if (!entry) {
      const sync = createSync();
      const unsubscribe = this.live.subscribe(spec, (events) => sync.apply(events));
      entry = {
        count: 0,
        release: () => {
          unsubscribe();
          sync.dispose();
        },
      };
      this.bound.set(spec.path, entry);
    }
    const held = entry;
    held.count++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.count--;
      if (held.count === 0) {
        held.release();
        this.bound.delete(spec.path);
      }
    };
  }

  /** Channels with a writer (for leak checks). */
  paths(): string[] {
    return [...this.bound.keys()];
  }
}
