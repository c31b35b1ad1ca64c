/**
 * CLIP score definitions (torchmetrics' CLIPScore), kept in one place so the CLI help, JSON output and
 * reports say the same thing.
 */

/** One sentence per rule, for help texts and JSON output. */
export const CLIP_SCORE_DEFINITION =
  'CLIP score of one image-prompt pair = max(100 * cos(image_embeds, text_embeds), 0), on a 0-100 scale ' +
  "(torchmetrics' CLIPScore; not the raw -1..1 cosine, which is reported separately as `cosine`). " +
  'A mean over many pairs is max(mean(100 * cos), 0): clamped AFTER averaging, not the mean of clamped scores. ' +
  'Prompts longer than 77 tokens are truncated to [bos] + 75 tokens + [eos], keeping EOS as the tokenizer does ' +
  '(a deliberate difference: torchmetrics slices the untruncated ids to 77 and drops EOS).';

/** torchmetrics' CLIP score of a single pair: max(100·cos, 0). */
export function pairClipScore(cosine: number): number {
  return Math.max(100 * cosine, 0);
}

/**
 * Run-level CLIP score from raw cosines, as torchmetrics computes it over many pairs:
 * `max(mean(100·cos), 0)` — the clamp comes after averaging, so negative cosines pull the mean down.
 */
export function meanClipScore(cosines: readonly number[]): number {
  if (cosines.length === 0) throw new RangeError('meanClipScore: no cosines to average');
  let sum = 0;
  for (const c of cosines) {
    if (!Number.isFinite(c)) throw new RangeError(`meanClipScore: cosine ${c} is not finite`);
    sum += 100 * c;
  }
  return Math.max(sum / cosines.length, 0);
}
