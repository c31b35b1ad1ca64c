import { readFileSync } from 'node:fs';
import { parseBoundedJson } from './bounded-json.js';
import { ConfigError, type ConfigErrorCode } from './config-error.js';

/** Reads and parses a JSON file; a missing file or bad JSON becomes a ConfigError naming it. */
export function readJsonFile(file: string, code: ConfigErrorCode, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(code, `cannot read ${what} ${file}: ${reason}`, { cause: err });
  }
  try {
    return parseBoundedJson(text, `${what} ${file}`);
  } catch (err) {
    if (err instanceof ConfigError && err.code === 'ERR_JSON_SYNTAX') {
      throw new ConfigError(code, `${what} ${file} is not valid JSON: ${(err.cause as Error).message}`, { cause: err });
    }
    throw err;
  }
}
