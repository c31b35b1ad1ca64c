import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';

/** `models[1].steps` style paths, so a message points at the exact field of the file. */
function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** The keys an object at a path may have, for "did you mean" on an unrecognized key. */
export type KnownKeys = (path: readonly PropertyKey[]) => readonly string[];

/** One line per problem: `<source>: <path>: <message>`. */
export function formatIssues(source: string, error: z.ZodError, knownKeys?: KnownKeys): string {
  return error.issues
    .map((issue) => {
      let message = issue.message;
      if (issue.code === 'unrecognized_keys' && knownKeys) {
        const known = knownKeys(issue.path);
        message += issue.keys.map((key) => didYouMean(key, known).replace(' (', ` ("${key}": `)).join('');
      }
      return `${source}: ${issuePath(issue.path)}: ${message}`;
    })
    .join('\n');
}
