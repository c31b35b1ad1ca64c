import { folderFingerprint } from '../registry/folder-fingerprint.js';
import type { ModelLocation } from '../registry/locate-model.js';
import type { PlannedModel } from './plan.js';
import type { RunContext } from './run-context.js';

/** Where a model's weights came from, as run_models records it. */
export interface ModelProvenance {
  source: 'registry' | 'local' | 'demo';
  /** The Hub repo and revision, only when the weights are that snapshot. */
  repo: string | null;
  revision: string | null;
  /** sha256 of the folder's configs and safetensors headers, for folders that are not a Hub snapshot. */
  fingerprint: string | null;
}

/**
 * A Hub cache snapshot is the registry's repo at its revision; a demo folder is the demo
 * generator's output; any other folder (models[].path, research/models/<key>) is only what it
 * holds: its path (run_models.model_dir) and a content fingerprint, never a repo id it may not be.
 */
export function modelProvenance(ctx: Pick<RunContext, 'plan'>, model: PlannedModel, location: ModelLocation): ModelProvenance {
  if (location.source === 'hf-cache') return { source: 'registry', repo: model.source.repo, revision: model.source.revision, fingerprint: null };
  const fingerprint = folderFingerprint(location.dir);
  if (ctx.plan.demo) return { source: 'demo', repo: model.source.repo, revision: model.source.revision, fingerprint };
  return { source: 'local', repo: null, revision: null, fingerprint };
}
