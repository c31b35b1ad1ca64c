import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempPathFor } from '../fs/temp-path.js';

const TMP_SUFFIX = '.tmp';

/**
 * Writes `data` to a temp file in the same folder and renames it over `file`: a reader (or a
 * resume after a crash or kill) sees no file or the whole file, never a partial one. No fsync:
 * it costs tens of ms per image on some disks, and what it guards against — a power cut leaving
 * a renamed but empty file — is caught on resume instead (see isCompletePng).
 */
export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const tmp = tempPathFor(file, TMP_SUFFIX);
  try {
    // The folder exists for all but a model's first image: create it only when missing.
    await writeFile(tmp, data).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(tmp, data);
    });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Removes temp files left by a process killed mid-write. Only old ones: shards of one run may
 * share this folder, and another shard's write in progress is younger than `olderThanMs`.
 */
export async function removeStaleTempFiles(dir: string, olderThanMs = 60_000): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const cutoff = Date.now() - olderThanMs;
  await Promise.all(
    names
      .filter((n) => n.endsWith(TMP_SUFFIX))
      .map(async (n) => {
        const file = path.join(dir, n);
        const info = await stat(file).catch(() => undefined);
        if (info && info.mtimeMs < cutoff) await rm(file, { force: true });
      }),
  );
}
