import { createHash } from 'node:crypto';

/**
 * The seed of an image, a pure function of (prompt id, seed index):
 *
 *   seed = first 4 bytes, big-endian, of SHA-256(UTF-8 "ppbench-seed-v1:<promptId>:<seedIndex>")
 *
 * so it is an unsigned 32-bit integer, identical in every shard, merge and rerun, and does not
 * depend on which models or prompts a run includes. Never change it: results of different runs
 * are comparable only while the same (prompt, index) gets the same seed.
 */
export function seedFor(promptId: string, seedIndex: number): number {
  return hashToUint32(`ppbench-seed-v1:${promptId}:${seedIndex}`);
}

export function hashToUint32(text: string): number {
  return createHash('sha256').update(text, 'utf8').digest().readUInt32BE(0);
}
