import { closeSync, fsync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tempPathFor } from '../fs/temp-path.js';

const fsyncAsync = promisify(fsync);

export interface AtomicWriteOptions {
  /** Last check before the rename; returning false abandons the write. */
  beforeRename?: () => boolean;
}

/**
 * Writes `data` to a temp file in the target's directory (so the rename stays on one
 * filesystem and is atomic), fsyncs it so the rename never exposes unwritten blocks, then
 * renames it over the target: a reader sees the old content or the new, never a mix.
 * Only the fsync goes to the thread pool (it can take milliseconds on a disk and must not
 * block the event loop); the rest are page-cache calls of microseconds.
 * Returns false when `beforeRename` vetoed the write.
 */
export async function writeFileAtomic(target: string, data: string, options: AtomicWriteOptions = {}): Promise<boolean> {
  const temp = tempPathFor(target);
  let renamed = false;
  try {
    const fd = openSync(temp, 'wx', 0o666);
    try {
      writeFileSync(fd, data);
      await fsyncAsync(fd);
    } finally {
      closeSync(fd);
    }
    if (options.beforeRename && !options.beforeRename()) return false;
    renameSync(temp, target);
    renamed = true;
    return true;
  } finally {
    if (!renamed) {
      try {
        unlinkSync(temp);
      } catch {
        // never created, or already gone
      }
    }
  }
}
