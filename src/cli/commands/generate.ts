import path from 'node:path';
import { Command, Option } from 'commander';
import { device, tensors } from '../../native/binding.js';
import { generationModel } from '../../registry/lookup.js';
import { fromPng, fromRun, modelCardDefaults, ReproduceError, resolveModelArg, type Reproduction } from '../reproduce-image.js';
import type { TensorMap } from '../../native/types.js';
import { Pipeline, type GenerateOptions, type GenerateResult } from '../../pipeline/pipeline.js';
import { writeFileAtomic } from '../../fs/atomic-file.js';
import { encodePng } from '../../store/png/encode-png.js';
import { finiteNumber, integerIn, jsonObject, oneOf } from '../option-parsers.js';

interface GenerateFlags {
  model?: string;
  prompt?: string;
  fromPng?: string;
  run?: string;
  promptId?: string;
  seedIndex: number;
  resultsDir?: string;
  db?: string;
  threads?: number;
  prompt2?: string;
  negativePrompt?: string;
  negativePrompt2?: string;
  seed?: number;
  steps?: number;
  guidance?: number;
  guidanceRescale?: number;
  width?: number;
  height?: number;
  scheduler?: string;
  schedulerConfig?: Record<string, unknown>;
  initLatents?: string;
  saveLatents?: string;
  dumpTensors?: string;
  out?: string;
  device?: string;
  dtype?: 'fp32' | 'fp16' | 'bf16';
  cudaGraphs: 'auto' | 'on' | 'off';
  json?: boolean;
}

const DEFAULT_STEPS = 25;
const DEFAULT_GUIDANCE = 7.5;

/** The image to make: from a PNG, from a run's row, or from --model (a folder or a registry key) and --prompt. */
async function resolveInputs(flags: GenerateFlags): Promise<Reproduction & { variant?: 'fp16' | 'auto' }> {
  const usage = (m: string) => new ReproduceError('ERR_INVALID_ARG', m);
  let base: Reproduction;
  if (flags.fromPng !== undefined) {
    if (flags.run !== undefined) throw usage('give --from-png or --run, not both');
    base = await fromPng(flags.fromPng);
  } else if (flags.run !== undefined) {
    if (flags.model === undefined || flags.promptId === undefined) throw usage('--run needs --model KEY and --prompt-id P (and optionally --seed-index K)');
    base = fromRun({ run: flags.run, model: flags.model, promptId: flags.promptId, seedIndex: flags.seedIndex, resultsDir: flags.resultsDir, db: flags.db });
  } else {
    if (flags.model === undefined) throw usage('give --model (a model folder or registry key), or --from-png FILE, or --run ID');
    if (flags.prompt === undefined) throw usage('give --prompt');
    const { dir, key } = resolveModelArg(flags.model);
    // A registry key brings its model card's settings; a bare folder keeps the fixed defaults.
    const card = key ? modelCardDefaults(key) : { steps: DEFAULT_STEPS, guidance: DEFAULT_GUIDANCE, width: 0, height: 0, scheduler: '', negativePrompt: null };
    base = { modelDir: dir, key, settings: card, seed: 0, prompt: flags.prompt };
  }
  const variant = base.key ? (generationModel(base.key).variant === 'fp16' ? ('fp16' as const) : ('auto' as const)) : undefined;
  return { ...base, ...(variant && { variant }) };
}

/** "latents" → initial latents, "noise.{i}" → ancestral noise of step i. */
async function readInitLatents(file: string): Promise<Pick<GenerateOptions, 'initLatents' | 'stepNoise'>> {
  const all = await tensors.load(path.resolve(file));
  if (!all.latents) {
    throw Object.assign(new Error(`--init-latents ${file}: no tensor named "latents" (found: ${Object.keys(all).join(', ')})`), {
      code: 'ERR_INVALID_ARG',
    });
  }
  const stepNoise: TensorMap = Object.fromEntries(Object.entries(all).filter(([k]) => /^noise\.\d+$/.test(k)));
  return { initLatents: all.latents, ...(Object.keys(stepNoise).length ? { stepNoise } : {}) };
}

function summary(flags: GenerateFlags, pipeline: Pipeline, options: GenerateOptions, r: GenerateResult) {
  return {
    model: pipeline.info.modelDir,
    family: pipeline.info.family,
    features: pipeline.info.features,
    out: flags.out ? path.resolve(flags.out) : null,
    seed: options.seed,
    steps: options.steps,
    guidance: options.guidance,
    width: options.width,
    height: options.height,
    scheduler: r.schedulerClass,
    ignoredSchedulerKeys: r.ignoredSchedulerKeys,
    timesteps: r.timesteps,
    timings: r.timings,
    memory: r.memory,
    cudaGraphs: r.cudaGraphs,
    truncatedPrompts: r.truncatedPrompts,
  };
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate one image with a diffusers-format model folder (the golden-case interface)')
    .option('--model <dir|key>', "diffusers model folder, or a registry key (found like `ppbench run` finds it; the model card's settings are the defaults)")
    .option('--prompt <text>', 'the prompt')
    .option('--from-png <file>', 'make a ppbench image again from the settings in its PNG text chunks')
    .option('--run <id>', 'make an image of a run again (with --model KEY --prompt-id P [--seed-index K])')
    .option('--prompt-id <id>', 'with --run: the prompt id')
    .option('--seed-index <k>', 'with --run: the seed index', integerIn(0, 1_000_000), 0)
    .option('--results-dir <dir>', 'with --run: results folder (default $PPBENCH_RESULTS_DIR, then research/benchmark_results)')
    .option('--db <file>', 'with --run: this database file instead')
    .option('--threads <n>', 'CPU threads of libtorch (results on CPU are bit-identical only with the same count; default: the run\'s or libtorch\'s)', integerIn(1, 1024))
    .option('--prompt-2 <text>', 'prompt for the second text encoder (SDXL family; default: --prompt)')
    .option('--negative-prompt <text>', 'negative prompt; omitted = none, "" = an empty negative prompt')
    .option('--negative-prompt-2 <text>', 'negative prompt for the second text encoder (default: --negative-prompt)')
    .option('--seed <n>', 'seed of the initial noise (torch CPU generator stream; default 0)', integerIn(0, Number.MAX_SAFE_INTEGER))
    .option('--steps <n>', `inference steps (default ${DEFAULT_STEPS})`, integerIn(1, 1000))
    .option('--guidance <g>', `classifier-free guidance scale; ≤ 1 disables CFG (default ${DEFAULT_GUIDANCE})`, finiteNumber)
    .option('--guidance-rescale <r>', 'guidance rescale (0 = off)', finiteNumber)
    .option('--width <px>', 'image width, a multiple of 8 (default: the model\'s native size)', integerIn(8, 16384))
    .option('--height <px>', 'image height, a multiple of 8 (default: the model\'s native size)', integerIn(8, 16384))
    .option('--scheduler <class>', 'diffusers scheduler class (default: the model\'s)')
    .option('--scheduler-config <json>', 'JSON merged onto the model\'s scheduler config', jsonObject)
    .option('--init-latents <file>', 'safetensors with "latents" (raw N(0,1)) and optional "noise.{i}"')
    .option('--save-latents <file>', 'write the final latents (before the VAE) as tensor "latents"')
    .option('--dump-tensors <file>', 'write every intermediate tensor under its golden name (debug)')
    .option('--out <file>', 'output PNG')
    .addOption(new Option('--device <device>', 'cpu | cuda | cuda:N (default cpu, or the reproduced image\'s)'))
    .addOption(new Option('--dtype <dtype>', 'fp32 | fp16 | bf16 (default fp32, or the reproduced image\'s)').argParser(oneOf(['fp32', 'fp16', 'bf16'] as const)))
    .addOption(
      new Option('--cuda-graphs <mode>', 'auto | on | off: replay each denoising step from a CUDA graph (auto = on for CUDA)')
        .default('auto')
        .argParser(oneOf(['auto', 'on', 'off'] as const)),
    )
    .option('--json', 'print the result (timings per stage and per UNet evaluation) as JSON')
    .action(async (flags: GenerateFlags) => {
      const inputs = await resolveInputs(flags);
      const { modelDir, settings } = inputs;
      const init = flags.initLatents ? await readInitLatents(flags.initLatents) : {};
      const threads = flags.threads ?? inputs.threads;
      if (threads !== undefined) device.setThreads(threads);
      const pipeline = await Pipeline.load({
        modelDir,
        device: flags.device ?? inputs.device ?? 'cpu',
        dtype: flags.dtype ?? inputs.dtype ?? 'fp32',
        ...(inputs.variant && { variant: inputs.variant }),
      });
      try {
        const size = pipeline.info.defaultSize;
        const negativePrompt = flags.negativePrompt ?? settings.negativePrompt ?? undefined;
        const options: GenerateOptions = {
          prompt: flags.prompt ?? inputs.prompt,
          ...(flags.prompt2 !== undefined ? { prompt2: flags.prompt2 } : {}),
          ...(negativePrompt !== undefined ? { negativePrompt } : {}),
          ...(flags.negativePrompt2 !== undefined ? { negativePrompt2: flags.negativePrompt2 } : {}),
          seed: flags.seed ?? inputs.seed,
          steps: flags.steps ?? settings.steps,
          guidance: flags.guidance ?? settings.guidance,
          ...(flags.guidanceRescale !== undefined ? { guidanceRescale: flags.guidanceRescale } : {}),
          width: flags.width ?? (settings.width || size),
          height: flags.height ?? (settings.height || size),
          ...((flags.scheduler ?? settings.scheduler) ? { scheduler: flags.scheduler ?? settings.scheduler } : {}),
          ...(flags.schedulerConfig ? { schedulerConfig: flags.schedulerConfig } : {}),
          ...init,
          ...(flags.dumpTensors ? { capture: true } : {}),
          decode: Boolean(flags.out || flags.dumpTensors || !flags.saveLatents),
          cudaGraphs: flags.cudaGraphs,
          ...(!flags.json && process.stderr.isTTY
            ? { onStep: (e) => process.stderr.write(`\rstep ${e.index + 1}/${e.total}  t=${e.timestep.toFixed(2)}  ${e.unetMs.toFixed(0)} ms`) }
            : {}),
        };
        const result = await pipeline.generate(options);
        if (!flags.json && process.stderr.isTTY) process.stderr.write('\n');
        if (result.ignoredSchedulerKeys.length) {
          process.stderr.write(`warning: ${result.schedulerClass} ignores scheduler config keys: ${result.ignoredSchedulerKeys.join(', ')}\n`);
        }
        for (const text of result.truncatedPrompts) {
          process.stderr.write(`warning: prompt longer than 77 CLIP tokens was truncated: "${text.slice(0, 60)}…"\n`);
        }
        if (flags.saveLatents) await tensors.save(path.resolve(flags.saveLatents), { latents: result.latents });
        if (flags.dumpTensors) await tensors.save(path.resolve(flags.dumpTensors), result.captured ?? {});
        if (flags.out && result.image) {
          const png = await encodePng(result.image.data, result.image.width, result.image.height, [
            ['prompt', options.prompt],
            ['seed', String(options.seed)],
            ['model', modelDir],
          ]);
          await writeFileAtomic(path.resolve(flags.out), png);
        }
        const report = summary(flags, pipeline, options, result);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          const t = result.timings;
          const unet = t.unetMs.reduce((a, b) => a + b, 0);
          process.stdout.write(
            `${flags.out ?? '(no image written)'}: ${options.width}x${options.height}, ${result.timesteps.length} UNet evaluations, ` +
              `${t.totalMs.toFixed(0)} ms (text ${t.textEncodeMs.toFixed(0)}, UNet ${unet.toFixed(0)}, VAE ${t.vaeDecodeMs.toFixed(0)})\n`,
          );
        }
      } finally {
        await pipeline.dispose();
      }
    });
}
