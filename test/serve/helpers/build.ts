import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../helpers/shared.js';

/*
 * The server and the benchmark child run as real processes. Node 20 cannot run TypeScript, so,
 * as the lease tests do (test/lease/helpers/build.ts), the sources are compiled by tsc into
 * node_modules/.cache (keyed by a hash of src/, never touching dist/, which the full build
 * owns). The compiled tree's src/native/binding.js would look for the addon under the cache
 * folder: children get PPBENCH_ADDON_PATH (see serveChildEnv).
 */
const SERVE_ENTRIES = ['src/cli/commands/serve.ts', 'src/lease/index.ts'];

function sourceFiles(): string[] {
  const src = path.join(projectRoot, 'src');
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(src, f))
    .sort();
}

export interface ServeBuild {
  /** the compiled tree (src/cli/commands/serve.js, src/lease/index.js, …) */
  root: string;
  /** compiled src/lease/index.js, for `import()` in fixtures */
  leaseLib: string;
  serveCommand: string;
}

export function buildServeForChildren(): ServeBuild {
  const root = compileForChildren('serve', SERVE_ENTRIES);
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

/** Compiles `entries` (and what they import) into node_modules/.cache/ppbench-serve-test/<name>/<hash of src>. */
function compileForChildren(name: string, entries: string[]): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles()) hash.update(file).update(readFileSync(file));
  const parent = path.join(projectRoot, 'node_modules', '.cache', 'ppbench-serve-test', name);
  const root = path.join(parent, hash.digest('hex').slice(0, 16));
  if (!existsSync(root)) {
    const staging = `${root}.${process.pid}.tmp`;
    mkdirSync(parent, { recursive: true });
    const tsc = path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(
      process.execPath,
      [tsc, '--ignoreConfig', '--rootDir', '.', '--outDir', staging, '--module', 'nodenext', '--moduleResolution', 'nodenext',
        '--target', 'es2022', '--strict', '--skipLibCheck', '--resolveJsonModule', '--types', 'node', ...entries],
      { cwd: projectRoot, stdio: 'pipe' },
    );
    renameSync(staging, root);
    // Builds of older sources are of no further use.
    for (const old of readdirSync(parent)) {
      if (old !== path.basename(root) && !old.endsWith('.tmp')) rmSync(path.join(parent, old), { recursive: true, force: true });
    }
  }
  return root;
}

/** Environment of a child running compiled sources: the addon of this checkout. */
export function serveChildEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PPBENCH_ADDON_PATH: process.env.PPBENCH_ADDON_PATH ?? path.join(projectRoot, 'build', 'Release', 'ppdiffusion.node'),
    ...extra,
  };
}
