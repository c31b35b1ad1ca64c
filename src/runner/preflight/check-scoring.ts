import { existsSync } from 'node:fs';
import { findHubModel, type LocateOptions } from '../../registry/locate-model.js';
import { MODEL_REGISTRY } from '../../registry/models.js';
import type { RunPlan } from '../plan.js';
import { checkScoringModels as scoringModelProblems } from '../scoring-models.js';
import type { PreflightProblem } from './problem.js';

/**
 * The scoring models a run with scoring on will load after its first model: present (and the
 * aesthetic file matching its hash), so a missing one fails now and not hours later. The place
 * to add checks for further scoring models.
 */
export function checkScoringModels(plan: RunPlan, locate: LocateOptions): PreflightProblem[] {
  const { config, demo } = plan;
  if (!config.scoring.enabled) return [];
  const { clip } = MODEL_REGISTRY.scoring;
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
  // The CLIP folder, the aesthetic weights (LAION by hash, or custom as given) and PickScore when on.
  const fix = `npx ppbench prefetch (also fetches the scoring models), ${skip}`;
  problems.push(...scoringModelProblems(config, locate).map(({ model, problem }) => ({ subject: `scoring model "${model}"`, problem, fix })));
  return problems;
}
