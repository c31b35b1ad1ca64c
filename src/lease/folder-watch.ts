import { mkdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/**
 * How long a folder's watcher outlives its last user. The benchmark acquires and releases
 * once per image; re-creating the inotify watch each time cost ~0.3 ms per image here.
 * The watcher never keeps the process alive (persistent: false, unref'd timer).
 */
const LINGER_MS = 2000;

/** One fs.watch per folder, shared by every FolderWatch on it in this process. */
class SharedWatcher {
  readonly users = new Set<FolderWatch>();
  private closeTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly dir: string,
    /** The folder's inode when watched: a folder deleted and re-created is a new watch. */
    readonly ino: number,
    private readonly watcher: FSWatcher,
  ) {}

  static open(dir: string): SharedWatcher | undefined {
    try {
      mkdirSync(dir, { recursive: true });
      const { ino } = statSync(dir);
      let self: SharedWatcher | undefined;
      const watcher = watch(dir, { persistent: false }, () => self?.users.forEach((u) => u.notify()));
      self = new SharedWatcher(dir, ino, watcher);
      watcher.on('error', () => self?.close());
      return self;
    } catch {
      return undefined;
    }
  }

  add(user: FolderWatch): void {
    clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    this.users.add(user);
  }

  remove(user: FolderWatch): void {
    this.users.delete(user);
    if (this.users.size > 0 || this.closeTimer) return;
    this.closeTimer = setTimeout(() => this.close(), LINGER_MS);
    this.closeTimer.unref();
  }

  close(): void {
    clearTimeout(this.closeTimer);
    if (watchers.get(this.dir) === this) watchers.delete(this.dir);
    this.watcher.close();
    // Users fall back to plain polling.
    this.users.forEach((u) => u.notify());
    this.users.clear();
  }
}

const watchers = new Map<string, SharedWatcher>();

function watcherFor(dir: string): SharedWatcher | undefined {
  const key = path.resolve(dir);
  const existing = watchers.get(key);
  if (existing && statSync(key, { throwIfNoEntry: false })?.ino === existing.ino) return existing;
  existing?.close();
  const opened = SharedWatcher.open(key);
  if (opened) watchers.set(key, opened);
  return opened;
}

/**
 * Wakes a poller as soon as anything in the coordination folder changes, so the backend sees
 * a release (and the benchmark sees a preemption request) in about a millisecond instead of
 * up to pollMs later. Polling stays the contract: this is only a latency hint, and where
 * watching is unavailable (network filesystems, exhausted inotify watches) pollMs alone applies.
 */
export class FolderWatch {
  private changed = false;
  private wake: (() => void) | undefined;
  private readonly shared: SharedWatcher | undefined;

  /** keepAlive: whether a pending sleep keeps the process alive (yes while acquiring; not for background heartbeats). */
  constructor(
    dir: string,
    private readonly keepAlive: boolean,
  ) {
    this.shared = watcherFor(dir);
    this.shared?.add(this);
  }

  /** Called by the shared watcher on any change in the folder. */
  notify(): void {
    this.changed = true;
    this.wake?.();
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
    this.shared?.remove(this);
    this.wake?.();
  }
}
