import path from 'node:path';

export interface ShardSpec {
  index: number;
  count: number;
}

/** One database per shard, so shard processes on a shared volume never write the same file. */
export function databasePath(resultsDir: string, shard?: ShardSpec): string {
  const name = shard && shard.count > 1 ? `ppbench.shard-${shard.index}-of-${shard.count}.sqlite` : 'ppbench.sqlite';
  return path.join(resultsDir, name);
}

/** Relative to the results dir (that is what the database stores, so a moved results dir still works). */
export const imageFolder = (runId: string, model: string): string => path.join(runId, 'images', model);

export function imageRelativePath(runId: string, model: string, promptId: string, seedIndex: number): string {
  return path.join(imageFolder(runId, model), `${promptId}-s${seedIndex}.png`);
}
