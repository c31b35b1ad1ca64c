import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/config-error.js';
import { localModelDir, type LocateOptions } from './locate-model.js';
import type { UrlScoringModel } from './model-entry.js';

export interface UrlAssetOptions extends LocateOptions {
  /** An explicit file (config `scoring.aesthetic.path`). */
  path?: string;
}

/** Where the asset is read (and `ppbench prefetch` puts it): the explicit path, else `<models dir>/<key>/<file>`. */
export function urlAssetPath(asset: UrlScoringModel, options: UrlAssetOptions = {}): string {
  return path.resolve(options.path ?? path.join(localModelDir(asset.key, options), asset.file));
}

/**
 * A weight file that is not on the Hub (the aesthetic MLP): an explicit path or
 * `<modelsDir>/<key>/<file>`, accepted only when its sha256 matches the registry.
 */
/** sha256 of a file's bytes, hex. */
export const sha256OfFile = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

export function locateUrlAsset(asset: UrlScoringModel, options: UrlAssetOptions = {}): string {
  const file = urlAssetPath(asset, options);
  if (!existsSync(file)) {
    throw new ConfigError(
      'ERR_MODEL_NOT_FOUND',
      `scoring model "${asset.key}" not found at ${file}. Fetch it with: mkdir -p "${path.dirname(file)}" && curl -L -o "${file}" "${asset.url}" && echo "${asset.sha256}  ${file}" | sha256sum -c`,
    );
  }
  const sha256 = sha256OfFile(file);
  if (sha256 !== asset.sha256) {
    throw new ConfigError('ERR_MODEL_NOT_FOUND', `scoring model "${asset.key}": ${file} has sha256 ${sha256}, expected ${asset.sha256} (download it again from ${asset.url})`);
  }
  return file;
}
