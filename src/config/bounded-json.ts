import { ConfigError } from './config-error.js';

/**
 * How deep user JSON (run configs, scheduler configs, HTTP bodies) may nest. Real configs nest
 * 3–4 levels; a hostile 5000-deep document otherwise overflows the stack of whatever walks it
 * recursively later (schema checks, merges, the addon's conversion) with an uncoded
 * "Maximum call stack size exceeded".
 */
export const MAX_JSON_DEPTH = 64;

export interface BoundedJsonOptions {
  maxDepth?: number;
  /** Longest accepted text, in UTF-16 code units. */
  maxChars?: number;
}

/**
 * JSON.parse with a nesting limit checked on the text first, so nothing deep is ever built.
 * Throws ConfigError ERR_JSON_TOO_DEEP / ERR_JSON_TOO_LARGE / ERR_JSON_SYNTAX naming `what`.
 */
export function parseBoundedJson(text: string, what: string, options: BoundedJsonOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  if (options.maxChars !== undefined && text.length > options.maxChars) {
    throw new ConfigError('ERR_JSON_TOO_LARGE', `${what} is ${text.length} characters long, above the limit of ${options.maxChars}`);
  }
  const depth = nestingDepth(text, maxDepth);
  if (depth > maxDepth) {
    throw new ConfigError('ERR_JSON_TOO_DEEP', `${what} nests deeper than ${maxDepth} levels`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError('ERR_JSON_SYNTAX', `${what} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** The deepest [ / { nesting outside strings, counting stops just past `limit`. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return deepest;
}
