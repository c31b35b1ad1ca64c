import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** One repo of the mock Hub: its files at one commit. */
export interface MockRepo {
  commit: string;
  files: Map<string, Buffer>;
  /** Files stored in LFS: listed with their sha256, downloaded through a redirect. */
  lfs: (file: string) => boolean;
  /** Answers 401 without `Authorization: Bearer <token>`. */
  token?: string;
}

export interface MockHub {
  url: string;
  repos: Map<string, MockRepo>;
  /** Every request, as "<method> <path> [range]". */
  requests: string[];
  /** Next download of this LFS sha256 stops after this many bytes (the connection is destroyed). */
  dropAfter: Map<string, number>;
  /** Downloads of this LFS sha256 flip a byte. */
  corrupt: Set<string>;
  close(): Promise<void>;
}

const sha = (algo: string, data: Buffer | string): string => createHash(algo).update(data).digest('hex');
const gitBlobId = (data: Buffer): string => sha('sha1', Buffer.concat([Buffer.from(`blob ${data.length}\0`), data]));
const pointer = (data: Buffer): string => `version https://git-lfs.github.com/spec/v1\noid sha256:${sha('sha256', data)}\nsize ${data.length}\n`;

/** A folder's files (recursively) as a repo's file map, plus `extra` files. */
export function repoFromFolder(dir: string, extra: Record<string, Buffer> = {}): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const abs = path.join(dir, rel);
    try {
      files.set(rel.split(path.sep).join('/'), readFileSync(abs));
    } catch {
      // a folder
    }
  }
  for (const [k, v] of Object.entries(extra)) files.set(k, v);
  return files;
}

/**
 * The slice of the Hugging Face Hub that prefetching uses, on 127.0.0.1: the file listing with
 * blob metadata, `resolve` URLs (LFS files redirect to a content URL, as the real Hub does to its
 * CDN), Range requests.
 */
export async function startMockHub(): Promise<MockHub> {
  const repos = new Map<string, MockRepo>();
  const requests: string[] = [];
  const dropAfter = new Map<string, number>();
  const corrupt = new Set<string>();
  const lfsContent = (): Map<string, Buffer> => {
    const all = new Map<string, Buffer>();
    for (const r of repos.values()) for (const [f, data] of r.files) if (r.lfs(f)) all.set(sha('sha256', data), data);
    return all;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}${req.headers.range ? ` ${req.headers.range}` : ''}`);
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const lfs = /^\/lfs\/([0-9a-f]{64})$/.exec(url.pathname);
    const repo = repos.get(decodeURIComponent((api ?? resolve)?.[1] ?? ''));
    if ((api || resolve) && !repo) return void res.writeHead(404).end('{"error":"Repository not found"}');
    if (repo?.token && req.headers.authorization !== `Bearer ${repo.token}`) return void res.writeHead(401).end('{"error":"gated"}');
    if (api) {
      const siblings = [...repo!.files].map(([f, data]) => {
        const stored = repo!.lfs(f) ? Buffer.from(pointer(data)) : data;
        const entry: Record<string, unknown> = { rfilename: f, size: stored.length, blobId: gitBlobId(stored) };
        if (repo!.lfs(f)) entry.lfs = { sha256: sha('sha256', data), size: data.length, pointerSize: stored.length };
        return entry;
      });
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: api[1], sha: repo!.commit, siblings }));
    }
    if (resolve) {
      const file = resolve[3]!.split('/').map(decodeURIComponent).join('/');
      const data = repo!.files.get(file);
      if (!data) return void res.writeHead(404).end('{"error":"Entry not found"}');
      if (repo!.lfs(file)) return void res.writeHead(302, { location: `/lfs/${sha('sha256', data)}` }).end();
      return void res.writeHead(200, { etag: `"${gitBlobId(data)}"` }).end(data);
    }
    if (lfs) {
      let data = lfsContent().get(lfs[1]!);
      if (!data) return void res.writeHead(404).end();
      if (corrupt.has(lfs[1]!)) {
        data = Buffer.from(data);
        data[0] = (data[0] ?? 0) ^ 0xff;
      }
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const from = range ? Number(range[1]) : 0;
      const body = data.subarray(from);
      res.writeHead(range ? 206 : 200, { 'content-length': String(body.length), ...(range && { 'content-range': `bytes ${from}-${data.length - 1}/${data.length}` }) });
      const cut = dropAfter.get(lfs[1]!);
      if (cut !== undefined) {
        dropAfter.delete(lfs[1]!);
        // Give the client time to take the bytes before the connection breaks (a stream that
        // errors drops what it still queues).
        res.write(body.subarray(0, cut), () => setTimeout(() => res.destroy(), 1000));
        return;
      }
      return void res.end(body);
    }
    res.writeHead(404).end();
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    repos,
    requests,
    dropAfter,
    corrupt,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const sha256Of = (data: Buffer): string => sha('sha256', data);
