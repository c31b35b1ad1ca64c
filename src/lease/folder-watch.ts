import { mkdirSync, watch, type FSWatcher } from 'node:fs';

/**
 * Wakes a poller as soon as anything in the coordination folder changes, so the backend sees
 * a release (and the benchmark sees a preemption request) in about a millisecond instead of
 * up to pollMs later. Polling stays the contract: this is only a latency hint, and where
 * watching is unavailable (network filesystems, exhausted inotify watches) pollMs alone applies.
 */
export class FolderWatch {
  private changed = false;
  private wake: (() => void) | undefined;
  private readonly watcher: FSWatcher | undefined;

  /** keepAlive: whether a pending sleep keeps the process alive (yes while acquiring; not for background heartbeats). */
  constructor(
    dir: string,
    private readonly keepAlive: boolean,
  ) {
    try {
      mkdirSync(dir, { recursive: true });
      this.watcher = watch(dir, { persistent: false }, () => {
        this.changed = true;
        this.wake?.();
      });
      this.watcher.on('error', () => this.close());
    } catch {
      this.watcher = undefined;
    }
  }

  /**
   * Resolves after `ms`, or earlier on a change seen since the previous call; `signal` rejects it.
   */
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (!this.changed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        if (!this.keepAlive) timer.unref();
        this.wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
    this.changed = false;
    signal?.throwIfAborted();
  }

  close(): void {
    this.watcher?.close();
    this.wake?.();
  }
}
