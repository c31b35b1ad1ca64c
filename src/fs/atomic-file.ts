import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { tempPathFor } from './temp-path.js';

const TMP_SUFFIX = '.tmp';

/**
 * Writes `data` to a temp file in the same folder and renames it over `file`: a reader (or a
 * resume after a crash or kill) sees no file or the whole file, never a partial one. No fsync:
 * it costs tens of ms per image on some disks, and what it guards against — a power cut leaving
 * a renamed but empty file — is caught on resume instead (see isCompletePng).
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const tmp = tempPathFor(file, TMP_SUFFIX);
  try {
    // The folder exists for all but a model's first image: create it only when missing.
    await writeTemp(tmp, data).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      await mkdir(path.dirname(file), { recursive: true });
      await writeTemp(tmp, data);
    });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function writeTemp(tmp: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const fh = await open(tmp, 'wx');
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await fh.writeFile(data);
    else await writeAll(fh, data);
  } finally {
    await fh.close();
  }
}

type Handle = Awaited<ReturnType<typeof open>>;

/** Chunks (a safetensors file's header and tensors) without joining them into one buffer. */
async function writeAll(fh: Handle, chunks: readonly Uint8Array[]): Promise<void> {
  // writev takes at most IOV_MAX (1024) buffers per call and may write partially.
  let pending = chunks.filter((c) => c.byteLength > 0);
  while (pending.length > 0) {
    const batch = pending.slice(0, 512);
    let { bytesWritten } = await fh.writev(batch);
    let used = 0;
    while (used < batch.length && bytesWritten >= batch[used]!.byteLength) bytesWritten -= batch[used++]!.byteLength;
    const rest = pending.slice(used);
    if (bytesWritten > 0) rest[0] = rest[0]!.subarray(bytesWritten);
    pending = rest;
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
