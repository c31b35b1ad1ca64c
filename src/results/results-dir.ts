import path from 'node:path';
import { projectRoot } from '../config/project-root.js';

export const DEFAULT_RESULTS_DIR = path.join(projectRoot, 'research', 'benchmark_results');

/**
 * `--results-dir`, then PPBENCH_RESULTS_DIR, then the run config's `resultsDir`, then
 * research/benchmark_results. The environment wins over the config because containers mount
 * research/ read-only and point PPBENCH_RESULTS_DIR at the writable volume.
 */
export function resolveResultsDir(
  options: { flag?: string; config?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const env = options.env ?? process.env;
  const fromEnv = env.PPBENCH_RESULTS_DIR?.trim();
  return path.resolve(options.flag ?? (fromEnv || undefined) ?? options.config ?? DEFAULT_RESULTS_DIR);
}
