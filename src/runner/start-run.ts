import { randomBytes } from 'node:crypto';
import type { ResultStore } from '../store/result-store.js';
import type { RunRow } from '../store/rows.js';
import { RunnerError } from './errors.js';
import type { RunPlan } from './plan.js';
import { formatShard } from './shard.js';

export interface StartOptions {
  /** Resume this run (its identity must match the plan). */
  resumeId?: string;
  /** Name a new run, or resume the run of that name when it measures the same thing. */
  runId?: string;
  /** Never resume the latest unfinished run automatically. */
  fresh?: boolean;
  /** What the run row records about how it ran (schema v2). */
  provenance?: Partial<Pick<RunRow, 'demo' | 'device' | 'dtype' | 'threads' | 'skippedModels'>>;
}

export interface StartedRun {
  runId: string;
  resumed: boolean;
}

/** `20261129-120000-3fa2`: sortable, and safe as a folder name. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * Picks the run to write into: the one asked for, else (by default) the newest unfinished run
 * of the same identity and shard, else a new one.
 */
export function startRun(
  store: ResultStore,
  plan: RunPlan,
  options: StartOptions,
  machine: Pick<RunRow, 'gitRevision' | 'host' | 'deviceJson' | 'libtorchVersion'>,
): StartedRun {
  const shard = plan.shard && formatShard(plan.shard);
  const named = options.resumeId ?? options.runId;
  if (named !== undefined) {
    const run = store.runs.get(named);
    if (run) {
      checkSameRun(run, plan, shard, store.path);
      store.runs.reopen(run.id, { ...machine, ...options.provenance });
      return { runId: run.id, resumed: true };
    }
    if (options.resumeId !== undefined) {
      const known = store.runs.list().map((r) => `${r.id} (${r.status})`);
      throw new RunnerError('ERR_RESUME', `--resume ${named}: no such run in ${store.path}${known.length ? `; runs there: ${known.join(', ')}` : ' (it has no runs)'}`);
    }
  } else if (!options.fresh) {
    const unfinished = store.runs.latestUnfinished(plan.identity, shard);
    if (unfinished) {
      store.runs.reopen(unfinished.id, { ...machine, ...options.provenance });
      return { runId: unfinished.id, resumed: true };
    }
  }
  const runId = named ?? newRunId();
  store.runs.insert({
    id: runId,
    configJson: JSON.stringify(plan.config),
    identity: plan.identity,
    shard,
    ...machine,
    ...options.provenance,
    startedAt: new Date().toISOString(),
    endedAt: null,
    status: 'running',
  });
  return { runId, resumed: false };
}

function checkSameRun(run: RunRow, plan: RunPlan, shard: string | null, file: string): void {
  if (run.identity !== plan.identity) {
    throw new RunnerError(
      'ERR_RESUME',
      `run ${run.id} in ${file} measured something else (models, settings, prompts or seeds differ from this config); ` +
        'start a new run instead (--new, or another --run-id)',
    );
  }
  if (run.shard !== shard) {
    throw new RunnerError('ERR_RESUME', `run ${run.id} in ${file} is shard ${run.shard ?? '(none)'}, not ${shard ?? '(none)'}`);
  }
}
