import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { tensors } from '../../native/binding.js';
import type { TensorMap } from '../../native/types.js';
import { Pipeline, type GenerateOptions, type GenerateResult } from '../../pipeline/pipeline.js';
import { writeFileAtomic } from '../../fs/atomic-file.js';
import { encodePng } from '../../store/png/encode-png.js';
import { finiteNumber, integerIn, jsonObject, oneOf } from '../option-parsers.js';

interface GenerateFlags {
  model: string;
  prompt: string;
  prompt2?: string;
  negativePrompt?: string;
  negativePrompt2?: string;
  seed: number;
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
  device: string;
  dtype: 'fp32' | 'fp16' | 'bf16';
  cudaGraphs: 'auto' | 'on' | 'off';
  json?: boolean;
}

const DEFAULT_STEPS = 25;
const DEFAULT_GUIDANCE = 7.5;

function modelDirOrThrow(dir: string): string {
  const resolved = path.resolve(dir);
  if (!existsSync(resolved) || !statSync(resolved).isDirectory()) {
    throw Object.assign(new Error(`--model ${dir}: not a folder (expected a diffusers model folder with model_index.json)`), {
      code: 'ERR_INVALID_ARG',
    });
  }
  return resolved;
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
    .requiredOption('--model <dir>', 'diffusers model folder (model_index.json, unet/, vae/, text_encoder/, …)')
    .requiredOption('--prompt <text>', 'the prompt')
    .option('--prompt-2 <text>', 'prompt for the second text encoder (SDXL family; default: --prompt)')
    .option('--negative-prompt <text>', 'negative prompt; omitted = none, "" = an empty negative prompt')
    .option('--negative-prompt-2 <text>', 'negative prompt for the second text encoder (default: --negative-prompt)')
    .option('--seed <n>', 'seed of the initial noise (torch CPU generator stream)', integerIn(0, Number.MAX_SAFE_INTEGER), 0)
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
    .addOption(new Option('--device <device>', 'cpu | cuda | cuda:N').default('cpu'))
    .addOption(new Option('--dtype <dtype>', 'fp32 | fp16 | bf16').default('fp32').argParser(oneOf(['fp32', 'fp16', 'bf16'] as const)))
    .addOption(
      new Option('--cuda-graphs <mode>', 'auto | on | off: replay each denoising step from a CUDA graph (auto = on for CUDA)')
        .default('auto')
        .argParser(oneOf(['auto', 'on', 'off'] as const)),
    )
    .option('--json', 'print the result (timings per stage and per UNet evaluation) as JSON')
    .action(async (flags: GenerateFlags) => {
      const modelDir = modelDirOrThrow(flags.model);
      const init = flags.initLatents ? await readInitLatents(flags.initLatents) : {};
      const pipeline = await Pipeline.load({ modelDir, device: flags.device, dtype: flags.dtype });
      try {
        const size = pipeline.info.defaultSize;
        const options: GenerateOptions = {
          prompt: flags.prompt,
          ...(flags.prompt2 !== undefined ? { prompt2: flags.prompt2 } : {}),
          ...(flags.negativePrompt !== undefined ? { negativePrompt: flags.negativePrompt } : {}),
          ...(flags.negativePrompt2 !== undefined ? { negativePrompt2: flags.negativePrompt2 } : {}),
          seed: flags.seed,
          steps: flags.steps ?? DEFAULT_STEPS,
          guidance: flags.guidance ?? DEFAULT_GUIDANCE,
          ...(flags.guidanceRescale !== undefined ? { guidanceRescale: flags.guidanceRescale } : {}),
          width: flags.width ?? size,
          height: flags.height ?? size,
          ...(flags.scheduler ? { scheduler: flags.scheduler } : {}),
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
            ['prompt', flags.prompt],
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
