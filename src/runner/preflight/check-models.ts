import { findHubModel, type LocateOptions } from '../../registry/locate-model.js';
import type { PlannedModel } from '../plan.js';
import { checkModelFolder } from './model-folder-check.js';
import type { PreflightProblem } from './problem.js';

/** A model that passed: where it is and what the configs say it is. */
export interface CheckedModel {
  key: string;
  dir: string;
  family: string;
}

/**
 * Each generation model found and its folder checked as the engine would read it, without
 * loading weights. Problems name the model, so `--skip-missing` can leave exactly those out.
 */
export function checkGenerationModels(
  models: readonly PlannedModel[],
  locate: LocateOptions,
): { checked: CheckedModel[]; problems: PreflightProblem[] } {
  const checked: CheckedModel[] = [];
  const problems: PreflightProblem[] = [];
  for (const model of models) {
    const subject = `model "${model.key}"`;
    const found = findHubModel({ key: model.key, ...model.source, variant: model.entry.variant, marker: 'model_index.json' }, locate);
    if (!('dir' in found)) {
      problems.push({ subject, model: model.key, ...splitFix(found.problem, model.key) });
      continue;
    }
    const folder = checkModelFolder(found.dir, model.entry.variant);
    const fix = model.source.path !== undefined
      ? `repair or replace the folder ${found.dir} (models[].path in the config)`
      : `npx ppbench prefetch --models ${model.key} (fetches the missing files again)`;
    for (const problem of folder.problems) problems.push({ subject, model: model.key, problem, fix });
    if (folder.family !== null && folder.family !== model.entry.family) {
      problems.push({
        subject,
        model: model.key,
        problem: `${found.dir} holds a ${folder.family} pipeline, but the registry says "${model.key}" is ${model.entry.family}`,
        fix: `point models[].path of "${model.key}" at a ${model.entry.family} folder`,
      });
    }
    if (folder.problems.length === 0 && folder.family !== null) checked.push({ key: model.key, dir: found.dir, family: folder.family });
  }
  return { checked, problems };
}

/** locate-model's message carries its fix after " Prefetch it with: " / "configured path": split them for the list. */
function splitFix(message: string, key: string): { problem: string; fix: string } {
  const at = message.indexOf(' Prefetch it with: ');
  if (at >= 0) return { problem: message.slice(0, at).replace(/^model "[^"]+" /, ''), fix: message.slice(at + ' Prefetch it with: '.length) };
  return { problem: message.replace(/^model "[^"]+": /, ''), fix: `fix models[].path of "${key}" in the config, or drop it to use npx ppbench prefetch --models ${key}` };
}
