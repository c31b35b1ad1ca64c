import { existsSync } from 'node:fs';
import path from 'node:path';
import { ResultStore } from '../store/result-store.js';
import type { RunRow } from '../store/rows.js';
import type { RunPlan } from './plan.js';
import { formatShard } from './shard.js';
import type { StartOptions } from './start-run.js';

export type Rerun =
  /** Nothing of this config has completed (or the request names a run, or --new): run as usual. */
  | { kind: 'run' }
  /** The identical run already completed: report it, generate nothing. */
  | { kind: 'completed'; run: RunRow }
  /** It completed with models left out by --skip-missing: resume it to make those. */
  | { kind: 'resume-skipped'; run: RunRow };

/**
 * What a plain rerun of a config means: when the newest run of the same identity and shard is
 * completed (no unfinished one is newer), it is reported, not repeated; `--new` or a named run
 * bypasses this.
 */
export function classifyRerun(databaseFile: string, plan: RunPlan, start: StartOptions): Rerun {
  if (start.fresh || start.runId !== undefined || start.resumeId !== undefined || !existsSync(databaseFile)) return { kind: 'run' };
  const store = ResultStore.open(databaseFile);
  try {
    const shard = plan.shard && formatShard(plan.shard);
    const completed = store.runs.latestCompleted(plan.identity, shard);
    const unfinished = store.runs.latestUnfinished(plan.identity, shard);
    if (!completed || (unfinished && unfinished.startedAt >= completed.startedAt)) return { kind: 'run' };
    return completed.skippedModels?.length ? { kind: 'resume-skipped', run: completed } : { kind: 'completed', run: completed };
  } finally {
    store.close();
  }
}

/** Where the report engineer's `ppbench report` writes a run's page. */
export const reportPath = (resultsDir: string, runId: string): string => path.join(resultsDir, runId, 'report.html');
