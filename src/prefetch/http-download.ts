import { createHash, type Hash } from 'node:crypto';
import { createReadStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { PrefetchError } from './errors.js';

/** What the content must hash to: an LFS file's sha256, or a git file's blob id. */
export type Expected = { size: number } & ({ sha256: string } | { gitBlobSha1: string });

export interface DownloadOptions {
  headers?: Record<string, string>;
  /** Bytes done so far and the total, now and then. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Maps a failed answer to an error a user can act on. */
export function httpError(status: number, what: string, url: string): PrefetchError {
  if (status === 401 || status === 403) {
    return new PrefetchError(
      'ERR_PREFETCH_AUTH',
      `${what}: HTTP ${status} from ${url}. The repo may be gated: accept its license on the Hub, then set HF_TOKEN (or log in with \`hf auth login\`)`,
    );
  }
  if (status === 404) return new PrefetchError('ERR_PREFETCH_NOT_FOUND', `${what}: HTTP 404 from ${url} (wrong repo id, revision or file name?)`);
  return new PrefetchError('ERR_PREFETCH_HUB', `${what}: HTTP ${status} from ${url}`);
}

export async function fetchOrFail(url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new PrefetchError('ERR_PREFETCH_NETWORK', `${what}: cannot reach ${url}: ${(err as Error).message}`, { cause: err });
  }
}

function newHash(expected: Expected): Hash {
  if ('sha256' in expected) return createHash('sha256');
  // git's blob id: sha1 over "blob <size>\0" and the content.
  return createHash('sha1').update(`blob ${expected.size}\0`);
}

async function hashFile(hash: Hash, file: string): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

/**
 * Downloads `url` to `dest` through `dest.incomplete`, resuming a partial file left by an
 * interrupted run (HTTP Range), and renames it into place only once its size and hash match.
 * A mismatch deletes the partial file and fails naming the file.
 */
export async function downloadVerified(url: string, dest: string, expected: Expected, options: DownloadOptions = {}): Promise<void> {
  const partial = `${dest}.incomplete`;
  mkdirSync(path.dirname(dest), { recursive: true });
  let done = statSync(partial, { throwIfNoEntry: false })?.size ?? 0;
  if (done > expected.size) {
    rmSync(partial, { force: true });
    done = 0;
  }
  let hash = newHash(expected);
  if (done > 0) await hashFile(hash, partial);
  const headers: Record<string, string> = { ...options.headers };
  if (done > 0 && done < expected.size) headers.range = `bytes=${done}-`;
  if (done < expected.size) {
    const res = await fetchOrFail(url, { headers, signal: options.signal, redirect: 'follow' }, `download of ${path.basename(dest)}`);
    if (res.status === 200 && done > 0) {
      // The server ignored the range: start over.
      done = 0;
      hash = newHash(expected);
      rmSync(partial, { force: true });
    } else if (res.status !== 200 && res.status !== 206) {
      throw httpError(res.status, `download of ${path.basename(dest)}`, url);
    }
    const file = await open(partial, 'a');
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        await file.write(chunk);
        done += chunk.byteLength;
        options.onProgress?.(done, expected.size);
      }
    } catch (err) {
      if (options.signal?.aborted) throw err;
      throw new PrefetchError(
        'ERR_PREFETCH_NETWORK',
        `${url}: connection lost after ${done} of ${expected.size} bytes (${(err as Error).message}); run again to resume from ${partial}`,
        { cause: err },
      );
    } finally {
      await file.close();
    }
  }
  const digest = hash.digest('hex');
  const want = 'sha256' in expected ? expected.sha256 : expected.gitBlobSha1;
  if (done !== expected.size || digest !== want) {
    rmSync(partial, { force: true });
    throw new PrefetchError(
      'ERR_PREFETCH_CHECKSUM',
      `${url}: got ${done} bytes hashing to ${digest}, expected ${expected.size} bytes hashing to ${want}; the partial file was deleted, run again`,
    );
  }
  renameSync(partial, dest);
}
