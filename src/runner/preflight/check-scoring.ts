import { existsSync } from 'node:fs';
import { findHubModel, type LocateOptions } from '../../registry/locate-model.js';
import { locateUrlAsset } from '../../registry/locate-url-asset.js';
import { resolveSource } from '../../registry/lookup.js';
import { MODEL_REGISTRY } from '../../registry/models.js';
import type { RunPlan } from '../plan.js';
import type { PreflightProblem } from './problem.js';

/**
 * The scoring models a run with scoring on will load after its first model: present (and the
 * aesthetic file matching its hash), so a missing one fails now and not hours later. The place
 * to add checks for further scoring models.
 */
export function checkScoringModels(plan: RunPlan, locate: LocateOptions): PreflightProblem[] {
  const { config, demo } = plan;
  if (!config.scoring.enabled) return [];
  const { clip, aesthetic } = MODEL_REGISTRY.scoring;
  const problems: PreflightProblem[] = [];
  const skip = 'or run without scoring: --no-scoring';
  if (demo) {
    const found = findHubModel({ key: clip.key, repo: `ppbench-demo/${clip.key}`, revision: demo.revision, path: demo.clipDir, marker: 'config.json' }, locate);
    if (!('dir' in found)) problems.push({ subject: 'scoring', problem: found.problem, fix: `npx ppbench demo (builds the demo models), ${skip}` });
    if (!existsSync(demo.aestheticFile)) {
      problems.push({ subject: 'scoring', problem: `demo aesthetic MLP ${demo.aestheticFile} is missing`, fix: `npx ppbench demo (builds the demo models), ${skip}` });
    }
    return problems;
  }
  const source = resolveSource(clip, config.scoring.clip);
  const found = findHubModel({ key: clip.key, ...source, path: config.scoring.clip?.path, marker: 'config.json' }, locate);
  if (!('dir' in found)) {
    problems.push({ subject: `scoring model "${clip.key}"`, problem: `not found (${found.localDir}, HF cache ${found.cacheDir})`, fix: `npx ppbench prefetch (also fetches the scoring models), ${skip}` });
  }
  try {
    locateUrlAsset(aesthetic, { path: config.scoring.aesthetic?.path, ...locate });
  } catch (err) {
    problems.push({ subject: `scoring model "${aesthetic.key}"`, problem: (err as Error).message, fix: `npx ppbench prefetch (also fetches the scoring models), ${skip}` });
  }
  return problems;
}
