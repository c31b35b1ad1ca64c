import { lstatSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoCacheDir } from '../registry/hf-cache.js';

/**
 * The Hugging Face cache as huggingface_hub writes it (so its tools, diffusers and our
 * locateHubModel all read what we fetch): `models--org--name/blobs/<etag>` holds each file's
 * content once, `snapshots/<commit>/<path>` links to it, `refs/<branch>` names the commit.
 */
export class HubCacheRepo {
  readonly dir: string;

  constructor(cacheDir: string, repo: string) {
    this.dir = repoCacheDir(cacheDir, repo);
  }

  /** `etag`: the sha256 of an LFS file's content, or the git blob id of any other file. */
  blobPath(etag: string): string {
    return path.join(this.dir, 'blobs', etag);
  }

  snapshotPath(commit: string, file: string): string {
    return path.join(this.dir, 'snapshots', commit, ...file.split('/'));
  }

  /** Points `snapshots/<commit>/<file>` at its blob with a relative link, as huggingface_hub does. */
  linkSnapshot(commit: string, file: string, etag: string): void {
    const link = this.snapshotPath(commit, file);
    mkdirSync(path.dirname(link), { recursive: true });
    if (lstatSync(link, { throwIfNoEntry: false })) rmSync(link, { force: true });
    symlinkSync(path.relative(path.dirname(link), this.blobPath(etag)), link);
  }

  /** `refs/<revision>` = commit, unless the revision is the commit itself. */
  writeRef(revision: string, commit: string): void {
    if (revision === commit) return;
    const ref = path.join(this.dir, 'refs', revision);
    mkdirSync(path.dirname(ref), { recursive: true });
    writeFileSync(ref, commit);
  }
}
