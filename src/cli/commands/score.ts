import type { Command } from 'commander';
import { readPng } from '../../image/png-decode.js';
import { CLIP_SCORE_DEFINITION, loadScorer, meanClipScore, PICKSCORE_DEFINITION, type ScoreOutput } from '../../scoring/index.js';
import { formatTable } from '../format-table.js';
import { integerIn, oneOf } from '../option-parsers.js';
import { pickScoreFolders, pickScoreTable, runPickScore, withPickScores, type PickScoreFlags } from './score-pickscore.js';

interface ScoreFlags extends PickScoreFlags {
  clip: string;
  aesthetic?: string;
  image?: string[];
  prompt?: string[];
  json?: boolean;
  device: string;
  dtype: 'fp32' | 'fp16' | 'bf16';
  batchSize: number;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Word-wraps help paragraphs (commander leaves addHelpText as given). */
function wrap(text: string, indent = '  ', width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

/** The documented --json form: {"images": [{image, clipScore, aesthetic, cosine}], "definition"}. */
export function scoreJson(files: readonly string[], out: ScoreOutput): { images: unknown[]; definition: string } {
  return {
    images: out.images.map((s, i) => ({ image: files[i], clipScore: s.clipScore, aesthetic: s.aesthetic, cosine: s.cosine })),
    definition: CLIP_SCORE_DEFINITION,
  };
}

function scoreTable(files: readonly string[], out: ScoreOutput): string {
  const fmt = (x: number | null) => (x === null ? '-' : x.toFixed(4));
  const promptCols = out.prompts.map((_, j) => `clip[p${j + 1}]`);
  const rows = out.images.map((s, i) => [files[i]!, fmt(s.aesthetic), ...s.clipScore.map(fmt)]);
  if (out.images.length > 1) {
    const aesthetic = out.images.every((s) => s.aesthetic !== null)
      ? out.images.reduce((sum, s) => sum + s.aesthetic!, 0) / out.images.length
      : null;
    const means = out.prompts.map((_, j) => meanClipScore(out.images.map((s) => s.cosine[j]!)));
    rows.push([`mean of ${out.images.length} images`, fmt(aesthetic), ...means.map(fmt)]);
  }
  const legend = out.prompts.map(
    (p, j) => `p${j + 1}: ${JSON.stringify(p.text)}${p.truncated ? ` (${p.tokenCount} tokens, truncated to 77 keeping EOS)` : ''}`,
  );
  return [
    formatTable(['image', 'aesthetic', ...promptCols], rows),
    '',
    ...legend,
    '',
    'clip = max(100*cos, 0) per pair (0-100, not the raw cosine); the mean row is max(mean(100*cos), 0).',
  ].join('\n');
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('CLIP score and aesthetic score of PNG images: every image against every prompt')
    .requiredOption('--clip <dir>', 'transformers CLIPModel folder (config.json, model.safetensors, tokenizer files)')
    .option('--aesthetic <file>', 'LAION improved-aesthetic-predictor weights (.pth or .safetensors)')
    .option('--image <file.png>', 'image to score (repeatable)', collect)
    .option('--prompt <text>', 'prompt to score against (repeatable)', collect)
    .option('--json', 'print one JSON document: {"images": [{image, clipScore, aesthetic, cosine}], "definition"}')
    .option('--pickscore <dir>', 'PickScore_v1 CLIPModel folder: adds pickScore (and pickProbs) per image; needs --pickscore-processor')
    .option('--pickscore-processor <dir>', "PickScore's processor folder (preprocessor_config.json + tokenizer files)")
    .option('--device <device>', 'cpu | cuda | cuda:N', 'cpu')
    .option('--dtype <dtype>', 'fp32 | fp16 | bf16', oneOf(['fp32', 'fp16', 'bf16'] as const), 'fp32')
    .option('--batch-size <n>', 'images per vision forward (prompts always run in one)', integerIn(1, 4096), 16)
    .addHelpText(
      'after',
      `\nDefinitions:\n${wrap(CLIP_SCORE_DEFINITION)}\n${wrap(
        'The aesthetic score is the LAION MLP of the L2-normalised CLIP image embedding (the same CLIPImageProcessor preprocessing as the CLIP score).',
      )}`,
    )
    .action(async (flags: ScoreFlags) => {
      const files = flags.image ?? [];
      const prompts = flags.prompt ?? [];
      if (files.length === 0) throw new Error('score: give at least one --image');
      if (prompts.length === 0 && flags.aesthetic === undefined) {
        throw new Error('score: nothing to score: give --prompt (CLIP score) and/or --aesthetic');
      }
      const pickFolders = pickScoreFolders(flags);
      const images = files.map((file) => readPng(file));
      const scorer = await loadScorer({
        clip: flags.clip,
        ...(flags.aesthetic === undefined ? {} : { aesthetic: flags.aesthetic }),
        device: flags.device,
        dtype: flags.dtype,
      });
      try {
        const out = await scorer.score(images, prompts, { batchSize: flags.batchSize });
        for (const [j, p] of out.prompts.entries()) {
          if (p.truncated) {
            process.stderr.write(`score: prompt ${j + 1} has ${p.tokenCount} tokens; truncated to 77 keeping EOS (torchmetrics would drop EOS)\n`);
          }
        }
        const pick = pickFolders && (await runPickScore(pickFolders, images, prompts, flags));
        const json = scoreJson(files, out);
        const doc = pick ? { ...json, images: withPickScores(json.images as object[], pick), pickScoreDefinition: PICKSCORE_DEFINITION } : json;
        const text = flags.json ? JSON.stringify(doc, null, 2) : `${scoreTable(files, out)}${pick ? `\n\n${pickScoreTable(files, pick)}` : ''}`;
        process.stdout.write(`${text}\n`);
      } finally {
        await scorer.dispose();
      }
    });
}
