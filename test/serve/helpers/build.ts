import path from 'node:path';
import { compileForChildren } from '../../helpers/compile-for-children.js';

export { addonChildEnv as serveChildEnv } from '../../helpers/compile-for-children.js';

export interface ServeBuild {
  /** the compiled tree (src/cli/commands/serve.js, src/lease/index.js, …) */
  root: string;
  /** compiled src/lease/index.js, for `import()` in fixtures */
  leaseLib: string;
  serveCommand: string;
}

/** The server and the lease library, for tests that run `ppbench serve` as a real process. */
export function buildServeForChildren(): ServeBuild {
  const root = compileForChildren('serve', ['src/cli/commands/serve.ts', 'src/lease/index.ts']);
  return {
    root,
    leaseLib: path.join(root, 'src', 'lease', 'index.js'),
    serveCommand: path.join(root, 'src', 'cli', 'commands', 'serve.js'),
  };
}

/** The whole `ppbench` CLI (src/cli/main.ts), for tests that run `ppbench run` beside `ppbench serve`. */
export function buildCliForChildren(): string {
  return path.join(compileForChildren('cli', ['src/cli/main.ts']), 'src', 'cli', 'main.js');
}
