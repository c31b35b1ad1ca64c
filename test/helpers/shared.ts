import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared data folder (fixtures, spec). Tests fail loudly, never skip, when it is missing. */
export function sharedDir(): string {
  const dir = path.resolve(projectRoot, process.env.PPBENCH_SHARED_DIR ?? '../shared');
  if (!existsSync(path.join(dir, 'fixtures'))) {
    throw new Error(
      `shared data not found at ${dir}: set PPBENCH_SHARED_DIR to the folder holding fixtures/ and spec/`,
    );
  }
  return dir;
}

export const fixturesDir = (): string => path.join(sharedDir(), 'fixtures');
export const specDir = (): string => path.join(sharedDir(), 'spec');
