import type { Command } from 'commander';
import { CLIP_SCORE_DEFINITION, loadScorer, meanClipScore, PICKSCORE_DEFINITION, type PairScores, type ScoreOutput } from '../../scoring/index.js';
import { formatTable } from '../format-table.js';
import { loadImages, promptFromPng } from '../score-inputs.js';
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
  pairs?: boolean;
  promptFromPng?: boolean;
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

/** A wrong combination of flags, or nothing left to score. */
class ScoreUsageError extends Error {
  constructor(message: string, readonly code = 'ERR_USAGE') {
    super(message);
  }
}

/** --pairs --json: {"images": [{image, prompt, clipScore, aesthetic, cosine}], "definition"}. */
export function pairJson(files: readonly string[], out: PairScores): { images: unknown[]; definition: string } {
  return {
    images: files.map((image, i) => ({ image, prompt: out.prompts[i]!.text, clipScore: out.clipScore[i], aesthetic: out.aesthetic?.[i] ?? null, cosine: out.cosine[i] })),
    definition: CLIP_SCORE_DEFINITION,
  };
}

function pairTable(files: readonly string[], out: PairScores): string {
  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(4));
  const rows = files.map((f, i) => [f, fmt(out.aesthetic?.[i]), fmt(out.clipScore[i]), JSON.stringify(out.prompts[i]!.text)]);
  return `${formatTable(['image', 'aesthetic', 'clip', 'prompt'], rows)}\n\nclip = max(100*cos, 0) of each image with its own prompt.`;
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('CLIP score and aesthetic score of PNG, JPEG or WebP images: every image against every prompt (or pairs)')
    .requiredOption('--clip <dir>', 'transformers CLIPModel folder (config.json, model.safetensors, tokenizer files)')
    .option('--aesthetic <file>', 'LAION improved-aesthetic-predictor weights (.pth or .safetensors)')
    .option('--image <file>', 'image to score, PNG, JPEG or WebP (repeatable)', collect)
    .option('--prompt <text>', 'prompt to score against (repeatable)', collect)
    .option('--pairs', 'score image i against prompt i only (as many prompts as images)')
    .option('--prompt-from-png', "pairs: each image against the prompt in its own PNG text chunk (ppbench's images)")
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
      const given = flags.image ?? [];
      if (given.length === 0) throw new ScoreUsageError('score: give at least one --image');
      if (flags.promptFromPng && flags.prompt !== undefined) throw new ScoreUsageError('score: --prompt-from-png takes the prompts from the images; drop --prompt');
      const pairs = flags.pairs === true || flags.promptFromPng === true;
      if (flags.pairs && !flags.promptFromPng && (flags.prompt ?? []).length !== given.length) {
        throw new ScoreUsageError(`score: --pairs needs one --prompt per --image (${given.length} images, ${(flags.prompt ?? []).length} prompts)`);
      }
      if (!pairs && (flags.prompt ?? []).length === 0 && flags.aesthetic === undefined) {
        throw new ScoreUsageError('score: nothing to score: give --prompt (CLIP score) and/or --aesthetic');
      }
      const pickFolders = pickScoreFolders(flags);
      if (pairs && pickFolders) throw new ScoreUsageError('score: --pickscore compares every image with every prompt; drop --pairs / --prompt-from-png');
      const loaded = await loadImages(given);
      const paired: string[] = [];
      for (const [i, file] of given.entries()) {
        if (!loaded.files.includes(file)) continue;
        try {
          paired.push(flags.promptFromPng ? promptFromPng(file) : (flags.prompt ?? [])[i] ?? '');
        } catch (err) {
          const at = loaded.files.indexOf(file);
          loaded.files.splice(at, 1);
          loaded.images.splice(at, 1);
          loaded.failures.push({ file, message: `[ERR_IMAGE_DECODE] ${(err as Error).message}` });
        }
      }
      for (const f of loaded.failures) process.stderr.write(`score: skipped ${f.file}: ${f.message}\n`);
      if (loaded.failures.length > 0) process.exitCode = 1;
      if (loaded.images.length === 0) throw new ScoreUsageError(`score: none of the ${given.length} image(s) could be read`, 'ERR_IMAGE_DECODE');
      const { files, images } = loaded;
      const prompts = pairs ? paired : (flags.prompt ?? []);
      const scorer = await loadScorer({
        clip: flags.clip,
        ...(flags.aesthetic === undefined ? {} : { aesthetic: flags.aesthetic }),
        device: flags.device,
        dtype: flags.dtype,
      });
      try {
        if (pairs) {
          const out = await scorer.scoreImages(images, prompts, { batchSize: flags.batchSize });
          process.stdout.write(`${flags.json ? JSON.stringify(pairJson(files, out), null, 2) : pairTable(files, out)}\n`);
          return;
        }
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
