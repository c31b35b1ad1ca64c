import type { z } from 'zod';

/** `models[1].steps` style paths, so a message points at the exact field of the file. */
function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** One line per problem: `<source>: <path>: <message>`. */
export function formatIssues(source: string, error: z.ZodError): string {
  return error.issues.map((issue) => `${source}: ${issuePath(issue.path)}: ${issue.message}`).join('\n');
}
