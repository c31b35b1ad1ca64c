import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../helpers/shared.js';

/*
 * Child processes in these tests are plain .mjs files (test/lease/fixtures/) run by `node`:
 * Node 20 cannot run TypeScript, and tsx is not a dependency. They import the lease library
 * compiled by tsc from the current sources into node_modules/.cache (inside the project, so
 * `zod` and `commander` resolve; keyed by a hash of the sources, so it is rebuilt only when
 * they change and never touches dist/, which the full build owns).
 */
const ENTRIES = ['src/lease/index.ts', 'src/cli/commands/lease.ts', 'src/cli/commands/status.ts', 'scripts/bench-lease.ts'];
const SOURCES = ['src/lease', ...ENTRIES.slice(1), 'src/cli/format-table.ts'];

function sourceFiles(): string[] {
  return SOURCES.flatMap((rel) => {
    const abs = path.join(projectRoot, rel);
    return rel.endsWith('.ts')
      ? [abs]
      : readdirSync(abs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(abs, f));
  }).sort();
}

export interface LeaseBuild {
  /** absolute path of the compiled src/lease/index.js, for `import()` in fixtures */
  lib: string;
  /** the compiled tree: src/cli/commands/{lease,status}.js, scripts/bench-lease.js */
  root: string;
}

export function buildLeaseForChildren(): LeaseBuild {
  const hash = createHash('sha256');
  for (const file of sourceFiles()) hash.update(file).update(readFileSync(file));
  const root = path.join(projectRoot, 'node_modules', '.cache', 'ppbench-lease-test', hash.digest('hex').slice(0, 16));
  if (!existsSync(root)) {
    const staging = `${root}.${process.pid}.tmp`;
    mkdirSync(path.dirname(root), { recursive: true });
    const tsc = path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(
      process.execPath,
      [tsc, '--ignoreConfig', '--rootDir', '.', '--outDir', staging, '--module', 'nodenext', '--moduleResolution', 'nodenext',
        '--target', 'es2022', '--strict', '--skipLibCheck', '--types', 'node', ...ENTRIES],
      { cwd: projectRoot, stdio: 'pipe' },
    );
    renameSync(staging, root);
    // Builds of older sources are of no further use.
    for (const old of readdirSync(path.dirname(root))) {
      if (old !== path.basename(root)) rmSync(path.join(path.dirname(root), old), { recursive: true, force: true });
    }
  }
  return { lib: path.join(root, 'src', 'lease', 'index.js'), root };
}
