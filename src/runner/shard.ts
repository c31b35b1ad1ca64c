import { ConfigError } from '../config/config-error.js';
import type { ShardSpec } from '../results/result-paths.js';
import { hashToUint32 } from './seed.js';

/** `k/n` with 0 ≤ k < n: shard k of n (0-based, like a Kubernetes Indexed Job's index). */
export function parseShard(text: string): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!(count >= 1 && index >= 0 && index < count)) {
    throw new ConfigError('ERR_CONFIG', `--shard: expected k/n with 0 <= k < n (e.g. 0/2), got "${text}"`);
  }
  return { index, count };
}

export const formatShard = (shard: ShardSpec): string => `${shard.index}/${shard.count}`;

/**
 * Which shard owns an image: a hash of (model, prompt id, seed index) modulo the shard count.
 * Deterministic and independent of the run's other contents, so shards are disjoint, cover
 * every image together, and a shard's share does not move when the prompt subset changes.
 */
export function shardOf(model: string, promptId: string, seedIndex: number, count: number): number {
  return hashToUint32(`ppbench-shard-v1:${model}:${promptId}:${seedIndex}`) % count;
}
