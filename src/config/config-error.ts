import { CodedError } from '../errors/coded-error.js';

/**
 * Errors a user fixes by editing a file or a flag (config, prompt set, model registry,
 * missing weights). The message names the file, key and value; `code` lets callers branch.
 */
export type ConfigErrorCode =
  | 'ERR_CONFIG'
  | 'ERR_PROMPTS'
  | 'ERR_UNKNOWN_MODEL'
  | 'ERR_MODEL_NOT_FOUND'
  | 'ERR_REGISTRY'
  | 'ERR_JSON_SYNTAX'
  | 'ERR_JSON_TOO_DEEP'
  | 'ERR_JSON_TOO_LARGE';

export class ConfigError extends CodedError<ConfigErrorCode> {
  override readonly name = 'ConfigError';
}
