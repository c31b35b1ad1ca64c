import { resolveCoordPath } from '../../lease/index.js';
import type { LocateOptions } from '../../registry/locate-model.js';
import type { RunPlan } from '../plan.js';
import { checkGenerationModels } from './check-models.js';
import { checkScoringModels } from './check-scoring.js';
import { checkLeasePath, checkResultsDir } from './check-storage.js';
import { PreflightError, type PreflightProblem } from './problem.js';

export interface PreflightOptions {
  resultsDir: string;
  /** Whether the engine reads model folders (the fake engine does not). */
  usesWeights: boolean;
  locate?: LocateOptions;
  env?: NodeJS.ProcessEnv;
  /** Leave out the models with problems instead of failing (`--skip-missing`). */
  skipMissing?: boolean;
}

export interface PreflightResult {
  /** The plan to run: all models, or those without problems under `skipMissing`. */
  plan: RunPlan;
  /** Models left out under `skipMissing`, with their problems. */
  skipped: PreflightProblem[];
}

/**
 * Everything that would fail later, checked before anything is written: models, scoring
 * models, results folder and disk, lease path. Throws one PreflightError listing every problem
 * with its fix; under `skipMissing` problems of single models drop those models instead.
 */
export function runPreflight(plan: RunPlan, options: PreflightOptions): PreflightResult {
  const locate = options.locate ?? { env: options.env };
  const env = options.env ?? process.env;
  const models = options.usesWeights ? checkGenerationModels(plan.models, locate).problems : [];
  const skippedKeys = new Set(options.skipMissing ? models.map((p) => p.model!) : []);
  const kept = { ...plan, models: plan.models.filter((m) => !skippedKeys.has(m.key)) };
  const problems: PreflightProblem[] = [
    ...models.filter((p) => !skippedKeys.has(p.model!)),
    ...(options.usesWeights ? checkScoringModels(plan, locate) : []),
    ...checkResultsDir(options.resultsDir, kept),
    ...(plan.config.lease.enabled ? checkLeasePath(plan.config.lease.path ?? resolveCoordPath(env)) : []),
  ];
  if (skippedKeys.size > 0 && kept.models.length === 0) {
    problems.unshift({ subject: 'run', problem: 'every model was skipped (--skip-missing): nothing to run', fix: 'fix the models listed below' });
    problems.push(...models);
  }
  if (problems.length > 0) throw new PreflightError(problems);
  return { plan: kept, skipped: models };
}
