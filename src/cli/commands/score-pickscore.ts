import { CodedError } from '../../errors/coded-error.js';
import type { RgbImage } from '../../image/png-decode.js';
import { loadPickScorer, type PickScoreOutput } from '../../scoring/index.js';
import { formatTable } from '../format-table.js';

/** `ppbench score --pickscore DIR --pickscore-processor DIR`: the flags, checked together. */
export interface PickScoreFlags {
  pickscore?: string;
  pickscoreProcessor?: string;
}

class PickScoreFlagError extends CodedError<'ERR_INVALID_ARG'> {
  override readonly name = 'PickScoreFlagError';
}

/** Null when PickScore was not asked for; throws when only one of the two folders is given. */
export function pickScoreFolders(flags: PickScoreFlags): { model: string; processor: string } | null {
  if (flags.pickscore === undefined && flags.pickscoreProcessor === undefined) return null;
  if (flags.pickscore === undefined) throw new PickScoreFlagError('ERR_INVALID_ARG', '--pickscore-processor needs --pickscore MODEL_DIR');
  if (flags.pickscoreProcessor === undefined) {
    throw new PickScoreFlagError(
      'ERR_INVALID_ARG',
      '--pickscore needs --pickscore-processor PROCESSOR_DIR (PickScore_v1 takes its processor from laion/CLIP-ViT-H-14-laion2B-s32B-b79K)',
    );
  }
  return { model: flags.pickscore, processor: flags.pickscoreProcessor };
}

/** Scores with PickScore (loaded for this call only). */
export async function runPickScore(
  folders: { model: string; processor: string },
  images: readonly RgbImage[],
  prompts: readonly string[],
  options: { device: string; dtype: 'fp32' | 'fp16' | 'bf16'; batchSize: number },
): Promise<PickScoreOutput> {
  if (prompts.length === 0) throw new PickScoreFlagError('ERR_INVALID_ARG', '--pickscore needs at least one --prompt');
  const scorer = await loadPickScorer({ ...folders, device: options.device, dtype: options.dtype });
  try {
    return await scorer.score(images, prompts, { batchSize: options.batchSize });
  } finally {
    await scorer.dispose();
  }
}

/** Adds `pickScore` (one per prompt) and, with several images, `pickProbs` (one per prompt) to each JSON image. */
export function withPickScores<T extends object>(images: readonly T[], pick: PickScoreOutput): (T & { pickScore: number[]; pickProbs?: number[] })[] {
  return images.map((image, i) => ({
    ...image,
    pickScore: pick.pickScore[i]!,
    ...(images.length > 1 ? { pickProbs: pick.pickProbs[i]! } : {}),
  }));
}

/** A second table under the CLIP one: PickScore and preference probability per image and prompt. */
export function pickScoreTable(files: readonly string[], pick: PickScoreOutput): string {
  const cols = pick.prompts.flatMap((_, j) => [`pick[p${j + 1}]`, ...(files.length > 1 ? [`prob[p${j + 1}]`] : [])]);
  const rows = files.map((file, i) => [
    file,
    ...pick.prompts.flatMap((_, j) => [pick.pickScore[i]![j]!.toFixed(4), ...(files.length > 1 ? [pick.pickProbs[i]![j]!.toFixed(4)] : [])]),
  ]);
  return [
    formatTable(['image', ...cols], rows),
    '',
    'pick = exp(logit_scale)*cos per pair (PickScore, not clamped); prob = softmax of pick over the images, per prompt.',
  ].join('\n');
}
