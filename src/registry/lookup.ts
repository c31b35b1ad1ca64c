import { ConfigError } from '../config/config-error.js';
import type { GenerationModel } from './model-entry.js';
import { MODEL_REGISTRY } from './models.js';

export interface SourceOverride {
  repo?: string;
  revision?: string;
  /** A local diffusers folder used instead of any cache. */
  path?: string;
}

/** `sdxl-base` → `SDXL_BASE`, for PPBENCH_REPO_<KEY> and PPBENCH_REVISION_<KEY>. */
const envSuffix = (key: string): string => key.toUpperCase().replace(/[^A-Z0-9]/g, '_');

export const knownModelKeys = (): string[] => MODEL_REGISTRY.generation.map((m) => m.key);

export function generationModel(key: string, where = 'models'): GenerationModel {
  const entry = MODEL_REGISTRY.generation.find((m) => m.key === key);
  if (!entry) {
    throw new ConfigError('ERR_UNKNOWN_MODEL', `${where}: unknown model "${key}" (known: ${knownModelKeys().join(', ')})`);
  }
  return entry;
}

/**
 * Where a model's weights come from. The run config is the most specific statement and wins;
 * then the environment (a deployment moving to a mirror), then the registry.
 */
export function resolveSource(
  entry: { key: string; repo: string; revision: string },
  override: SourceOverride = {},
  env: NodeJS.ProcessEnv = process.env,
): Required<Pick<SourceOverride, 'repo' | 'revision'>> & Pick<SourceOverride, 'path'> {
  const suffix = envSuffix(entry.key);
  return {
    repo: override.repo ?? nonEmpty(env[`PPBENCH_REPO_${suffix}`]) ?? entry.repo,
    revision: override.revision ?? nonEmpty(env[`PPBENCH_REVISION_${suffix}`]) ?? entry.revision,
    path: override.path,
  };
}

const nonEmpty = (v: string | undefined): string | undefined => (v?.trim() ? v.trim() : undefined);
