import { accessSync, constants, statfsSync, statSync } from 'node:fs';
import path from 'node:path';
import { nearestExisting } from '../../env/nearest-existing.js';
import type { RunPlan } from '../plan.js';
import type { PreflightProblem } from './problem.js';

/** A PNG of random-looking content is about 3 bytes a pixel; generated images compress to ~half that. */
const BYTES_PER_PIXEL = 2;

/** Bytes the planned images will take, roughly (what is already on disk is not subtracted). */
export function plannedImageBytes(plan: RunPlan): number {
  return plan.models.reduce((sum, m) => sum + m.units.length * m.settings.width * m.settings.height * BYTES_PER_PIXEL, 0);
}

/** A folder the run will create or write into: its nearest existing ancestor must be writable. */
function writableProblem(folder: string): string | null {
  const existing = nearestExisting(folder) ?? path.parse(path.resolve(folder)).root;
  if (!statSync(existing).isDirectory()) return `${existing} is not a folder${existing === folder ? '' : ` (so ${folder} cannot be created)`}`;
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
    return null;
  } catch {
    return `${existing} is not writable${existing === folder ? '' : ` (to create ${folder})`}`;
  }
}

/** The results folder can be written and has room for the planned images. */
export function checkResultsDir(resultsDir: string, plan: RunPlan): PreflightProblem[] {
  const subject = 'results folder';
  const problem = writableProblem(resultsDir);
  if (problem) return [{ subject, problem, fix: `choose another folder with --results-dir DIR (or PPBENCH_RESULTS_DIR), or fix the permissions of ${resultsDir}` }];
  const need = plannedImageBytes(plan);
  const stats = statfsSync(nearestExisting(resultsDir) ?? path.parse(path.resolve(resultsDir)).root);
  const free = stats.bavail * stats.bsize;
  if (free < need) {
    const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;
    return [{ subject, problem: `${gb(free)} free on the disk of ${resultsDir}, the planned images need about ${gb(need)}`, fix: 'free disk space, or use --results-dir on a larger disk' }];
  }
  return [];
}

/** The lease's status.json must be creatable and writable where the lease will look for it. */
export function checkLeasePath(statusPath: string): PreflightProblem[] {
  const problem = writableProblem(path.dirname(statusPath));
  if (!problem) return [];
  return [{ subject: 'lease', problem: `status file ${statusPath}: ${problem}`, fix: 'set GPU_COORD_PATH (or lease.path in the config) to a writable file on the shared volume' }];
}
