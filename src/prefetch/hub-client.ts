import { z } from 'zod';
import { PrefetchError } from './errors.js';
import type { HubAccess } from './hub-access.js';
import { fetchOrFail, httpError } from './http-download.js';
import type { RepoFile } from './select-files.js';

const repoInfoSchema = z.object({
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  siblings: z.array(
    z.object({
      rfilename: z.string().min(1),
      size: z.number().int().nonnegative(),
      blobId: z.string().min(1),
      lfs: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative() }).optional(),
    }),
  ),
});

export interface RepoSnapshot {
  /** The commit the revision points at now. */
  commit: string;
  files: RepoFile[];
}

const encodePath = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

/** The Hub's HTTP API: a repo's files at a revision, and where to download one of them. */
export class HubClient {
  constructor(private readonly access: HubAccess) {}

  get headers(): Record<string, string> {
    return this.access.token ? { authorization: `Bearer ${this.access.token}` } : {};
  }

  async snapshot(repo: string, revision: string, signal?: AbortSignal): Promise<RepoSnapshot> {
    const url = `${this.access.endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
    const what = `listing ${repo}@${revision}`;
    const res = await fetchOrFail(url, { headers: this.headers, signal }, what);
    if (!res.ok) throw httpError(res.status, what, url);
    const parsed = repoInfoSchema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new PrefetchError('ERR_PREFETCH_HUB', `${what}: unexpected answer from ${url}: ${parsed.error.issues[0]?.message}`);
    return {
      commit: parsed.data.sha,
      files: parsed.data.siblings.map((s) => ({ path: s.rfilename, size: s.size, blobId: s.blobId, ...(s.lfs ? { lfs: s.lfs } : {}) })),
    };
  }

  /** Pinned to the commit, so every file comes from the same snapshot even if the branch moves. */
  fileUrl(repo: string, commit: string, file: string): string {
    return `${this.access.endpoint}/${repo}/resolve/${commit}/${encodePath(file)}`;
  }
}
