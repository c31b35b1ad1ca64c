import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './shared.js';

/*
 * Child processes in tests are plain .mjs fixtures or compiled entry points run by `node`:
 * Node 20 cannot run TypeScript, and tsx is not a dependency. They run the current sources
 * compiled by tsc into node_modules/.cache (inside the project, so dependencies resolve; keyed
 * by a hash of the sources, so compiled again only when they change; never touching dist/,
 * which the full build owns). A compiled src/native/binding.js looks for the addon beside the
 * cache folder: children that load it need PPBENCH_ADDON_PATH (see addonChildEnv).
 */

/** Changed whenever the layout of a compiled tree changes, so older trees are not reused. */
const RECIPE = 'tsc+research-and-package-link-v3';

function sourceFiles(entries: string[]): string[] {
  const src = path.join(projectRoot, 'src');
  const inSrc = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(src, f));
  const outside = entries.map((e) => path.join(projectRoot, e)).filter((f) => !f.startsWith(src + path.sep));
  return [...inSrc, ...outside].sort();
}

/**
 * Compiles `entries` (paths from the project root, and all they import) into
 * node_modules/.cache/ppbench-children/<name>/<hash>; returns that folder, which mirrors the
 * project tree (src/lease/index.ts -> <folder>/src/lease/index.js).
 */
export function compileForChildren(name: string, entries: string[]): string {
  const hash = createHash('sha256').update(RECIPE);
  for (const file of sourceFiles(entries)) hash.update(file).update(readFileSync(file));
  const parent = path.join(projectRoot, 'node_modules', '.cache', 'ppbench-children', name);
  const root = path.join(parent, hash.digest('hex').slice(0, 16));
  if (existsSync(root)) return root;
  const staging = `${root}.${process.pid}.tmp`;
  mkdirSync(parent, { recursive: true });
  const tsc = path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(
    process.execPath,
    [tsc, '--ignoreConfig', '--rootDir', '.', '--outDir', staging, '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--target', 'es2022', '--strict', '--skipLibCheck', '--resolveJsonModule', '--types', 'node', ...entries],
    { cwd: projectRoot, stdio: 'pipe' },
  );
  // Code finds its data (research/data, research/configs) and the CLI its version (package.json)
  // from its own location, as in dist/.
  symlinkSync(path.join(projectRoot, 'research'), path.join(staging, 'research'));
  symlinkSync(path.join(projectRoot, 'package.json'), path.join(staging, 'package.json'));
  try {
    renameSync(staging, root);
  } catch (err) {
    // Another test worker finished the same build first: use theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(root)) throw err;
  }
  // Builds of older sources are of no further use (a .tmp is another worker's build in progress).
  for (const old of readdirSync(parent)) {
    if (old !== path.basename(root) && !old.endsWith('.tmp')) rmSync(path.join(parent, old), { recursive: true, force: true });
  }
  return root;
}

/** Environment of a child running compiled sources that load the addon: this checkout's build. */
export function addonChildEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PPBENCH_ADDON_PATH: process.env.PPBENCH_ADDON_PATH ?? path.join(projectRoot, 'build', 'Release', 'ppdiffusion.node'),
    ...extra,
  };
}
