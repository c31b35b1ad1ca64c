import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/config-error.js';
import { DEFAULT_MODELS_DIR } from '../config/project-root.js';
import type { UrlScoringModel } from './model-entry.js';

/**
 * A weight file that is not on the Hub (the aesthetic MLP): an explicit path or
 * `<modelsDir>/<key>/<file>`, accepted only when its sha256 matches the registry.
 */
export function locateUrlAsset(
  asset: UrlScoringModel,
  options: { path?: string; modelsDir?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const env = options.env ?? process.env;
  const file = path.resolve(options.path ?? path.join(options.modelsDir ?? env.PPBENCH_MODELS_DIR ?? DEFAULT_MODELS_DIR, asset.key, asset.file));
  if (!existsSync(file)) {
    throw new ConfigError(
      'ERR_MODEL_NOT_FOUND',
      `scoring model "${asset.key}" not found at ${file}. Fetch it with: mkdir -p "${path.dirname(file)}" && curl -L -o "${file}" "${asset.url}" && echo "${asset.sha256}  ${file}" | sha256sum -c`,
    );
  }
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (sha256 !== asset.sha256) {
    throw new ConfigError('ERR_MODEL_NOT_FOUND', `scoring model "${asset.key}": ${file} has sha256 ${sha256}, expected ${asset.sha256} (download it again from ${asset.url})`);
  }
  return file;
}
