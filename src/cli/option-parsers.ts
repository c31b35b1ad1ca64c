import { InvalidArgumentError } from 'commander';
import { parseBoundedJson } from '../config/bounded-json.js';
import { ConfigError } from '../config/config-error.js';

/** commander option parsers whose errors name the expected form and the bad value. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer in [${min}, ${max}], got "${value}"`);
    }
    return n;
  };
}

export function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
  return n;
}

/** A JSON object option; nesting beyond MAX_JSON_DEPTH is a ConfigError (ERR_JSON_TOO_DEEP). */
export function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseBoundedJson(value, 'the JSON option');
  } catch (err) {
    if (err instanceof ConfigError && err.code === 'ERR_JSON_SYNTAX') {
      throw new InvalidArgumentError(`expected a JSON object, got "${value}" (${(err.cause as Error).message})`);
    }
    throw err;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`expected a JSON object, got "${value}"`);
  }
  return parsed as Record<string, unknown>;
}

export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${value}"`);
    }
    return value as T;
  };
}
