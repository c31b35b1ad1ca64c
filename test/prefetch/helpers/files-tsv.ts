import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RepoFile } from '../../../src/prefetch/index.js';
import { specDir } from '../../helpers/shared.js';

/**
 * A real repo's file listing from spec/configs/<model>/FILES.tsv (path, size, "(git blob)" or
 * "sha256:<hex>" for LFS files), as the Hub's listing would give it.
 */
export function realRepoFiles(model: string): RepoFile[] {
  const text = readFileSync(path.join(specDir(), 'configs', model, 'FILES.tsv'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [file, size, kind] = line.split('\t') as [string, string, string];
      const lfs = kind.startsWith('sha256:') ? { sha256: kind.slice('sha256:'.length), size: Number(size) } : undefined;
      return { path: file, size: lfs ? 134 : Number(size), blobId: '0'.repeat(40), ...(lfs ? { lfs } : {}) };
    });
}

export function realComponents(model: string): string[] {
  const index = JSON.parse(readFileSync(path.join(specDir(), 'configs', model, 'model_index.json'), 'utf8')) as Record<string, unknown>;
  return Object.entries(index)
    .filter(([, v]) => Array.isArray(v) && v[0] !== null)
    .map(([k]) => k);
}
