import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LoadedRunConfig } from '../config/load-run-config.js';
import { localModelDir } from '../registry/locate-model.js';
import { urlAssetPath } from '../registry/locate-url-asset.js';
import { generationModel, resolveSource } from '../registry/lookup.js';
import type { UrlScoringModel } from '../registry/model-entry.js';
import { MODEL_REGISTRY } from '../registry/models.js';
import type { RepoTarget } from './fetch-repo.js';

export interface PrefetchTargets {
  repos: RepoTarget[];
  /** The aesthetic MLP and where the runner will look for it. */
  assets: Array<{ asset: UrlScoringModel; file: string }>;
  /** Models a run reads from a local folder instead (config `path`, or `<models dir>/<key>`). */
  local: Array<{ key: string; dir: string }>;
}

/**
 * What a run of `config` reads from the Hub, resolved as the runner resolves it (config
 * overrides, PPBENCH_REPO_<KEY>/PPBENCH_REVISION_<KEY>, the registry): its generation models,
 * and the scoring CLIP and aesthetic MLP when scoring is on. A demo config reads nothing.
 */
export function prefetchTargets(config: LoadedRunConfig, env: NodeJS.ProcessEnv = process.env): PrefetchTargets {
  const targets: PrefetchTargets = { repos: [], assets: [], local: [] };
  if (config.demo) return targets;
  const localDir = (key: string, marker: string): string | null => {
    const dir = localModelDir(key, { env });
    return existsSync(path.join(dir, marker)) ? dir : null;
  };
  config.models.forEach((m, i) => {
    const entry = generationModel(m.key, `models[${i}].key`);
    const source = resolveSource(entry, m, env);
    const local = source.path ?? localDir(m.key, 'model_index.json');
    if (local !== null) targets.local.push({ key: m.key, dir: local });
    else targets.repos.push({ key: m.key, repo: source.repo, revision: source.revision, kind: 'pipeline', variant: entry.variant });
  });
  if (config.scoring.enabled) {
    const { clip, aesthetic } = MODEL_REGISTRY.scoring;
    const source = resolveSource(clip, config.scoring.clip, env);
    const local = source.path ?? localDir(clip.key, 'config.json');
    if (local !== null) targets.local.push({ key: clip.key, dir: local });
    else targets.repos.push({ key: clip.key, repo: source.repo, revision: source.revision, kind: 'clip', variant: null });
    // Custom aesthetic weights (`{path}`) are the user's file and `false` means none: nothing to fetch.
    if (config.scoring.aesthetic !== false && config.scoring.aesthetic?.path === undefined) {
      targets.assets.push({ asset: aesthetic, file: urlAssetPath(aesthetic, { env }) });
    }
    if (config.scoring.pickscore) {
      const { pickscore, pickscoreProcessor } = MODEL_REGISTRY.scoring;
      for (const [entry, kind, marker] of [
        [pickscore, 'clip-model', 'config.json'],
        [pickscoreProcessor, 'processor', 'preprocessor_config.json'],
      ] as const) {
        const src = resolveSource(entry, {}, env);
        const local = localDir(entry.key, marker);
        if (local !== null) targets.local.push({ key: entry.key, dir: local });
        else targets.repos.push({ key: entry.key, repo: src.repo, revision: src.revision, kind, variant: null });
      }
    }
  }
  return targets;
}
