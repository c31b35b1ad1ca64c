import path from 'node:path';
import { compileForChildren } from '../../helpers/compile-for-children.js';

/** What the lease tests' child processes run (test/lease/fixtures/*.mjs import `lib`). */
const ENTRIES = ['src/lease/index.ts', 'src/cli/commands/lease.ts', 'src/cli/commands/status.ts', 'scripts/bench-lease.ts'];

export interface LeaseBuild {
  /** absolute path of the compiled src/lease/index.js, for `import()` in fixtures */
  lib: string;
  /** the compiled tree: src/cli/commands/{lease,status}.js, scripts/bench-lease.js */
  root: string;
}

export function buildLeaseForChildren(): LeaseBuild {
  const root = compileForChildren('lease', ENTRIES);
  return { lib: path.join(root, 'src', 'lease', 'index.js'), root };
}
