import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { Pipeline, type GenerateOptions } from '../../pipeline/pipeline.js';
import { formatProfile } from '../../profile/format-profile.js';
import { ProfileError } from '../../profile/errors.js';
import { measureMatmulGflops } from '../../profile/matmul-peak.js';
import { summarizeProfile } from '../../profile/summarize-profile.js';
import { finiteNumber, integerIn, oneOf } from '../option-parsers.js';

interface ProfileFlags {
  model: string;
  prompt: string;
  steps: number;
  guidance: number;
  width?: number;
  height?: number;
  device: string;
  dtype: 'fp32' | 'fp16' | 'bf16';
  warmup: number;
  trace?: string;
  json?: boolean;
}

const peakRssBytes = () => process.resourceUsage().maxRSS * 1024;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

function modelDirOrThrow(dir: string): string {
  const resolved = path.resolve(dir);
  if (!existsSync(resolved) || !statSync(resolved).isDirectory()) {
    throw new ProfileError('ERR_INVALID_ARG', `--model ${dir}: not a folder (expected a diffusers model folder with model_index.json)`);
  }
  return resolved;
}

export function registerProfile(program: Command): void {
  program
    .command('profile')
    .description('profile one generation with the libtorch profiler: time per stage, UNet block and operator class, GFLOP/s, top operators, memory')
    .requiredOption('--model <dir>', 'diffusers model folder')
    .option('--prompt <text>', 'the prompt', 'a photograph of an astronaut riding a horse')
    .option('--steps <n>', 'inference steps', integerIn(1, 1000), 4)
    .option('--guidance <g>', 'classifier-free guidance scale (≤ 1 disables CFG)', finiteNumber, 7.5)
    .option('--width <px>', "image width (default: the model's native size)", integerIn(8, 16384))
    .option('--height <px>', "image height (default: the model's native size)", integerIn(8, 16384))
    .addOption(new Option('--device <device>', 'cpu | cuda | cuda:N').default('cpu'))
    .addOption(new Option('--dtype <dtype>', 'fp32 | fp16 | bf16').default('fp32').argParser(oneOf(['fp32', 'fp16', 'bf16'] as const)))
    .option('--warmup <k>', 'unprofiled generations first (thread pools, allocator, oneDNN caches)', integerIn(0, 100), 1)
    .option('--trace <file>', 'write a Chrome trace (Perfetto / chrome://tracing) of the profiled generation')
    .option('--json', 'print the summary, load time and peak RSS as JSON')
    .action(async (flags: ProfileFlags) => {
      // Kineto logs every trace start/stop to stderr unless told otherwise (read when it starts).
      process.env.KINETO_LOG_LEVEL ??= '6';
      const modelDir = modelDirOrThrow(flags.model);
      const loadStart = performance.now();
      const pipeline = await Pipeline.load({ modelDir, device: flags.device, dtype: flags.dtype });
      // The whole load, and per model component (text encoders, UNet, VAE) its time and the process's
      // resident memory after it (current and peak so far).
      const load = {
        ms: performance.now() - loadStart,
        peakRssBytes: peakRssBytes(),
        components: Object.fromEntries(
          Object.entries(pipeline.info.components).map(([name, c]) => [name, { ms: c.loadMs, rssBytes: c.rssBytes, peakRssBytes: c.peakRssBytes }]),
        ),
      };
      try {
        const size = pipeline.info.defaultSize;
        const options: GenerateOptions = {
          prompt: flags.prompt,
          negativePrompt: '',
          seed: 0,
          steps: flags.steps,
          guidance: flags.guidance,
          width: flags.width ?? size,
          height: flags.height ?? size,
        };
        const warmupMs: number[] = [];
        for (let i = 0; i < flags.warmup; i++) warmupMs.push((await pipeline.generate(options)).timings.totalMs);
        const peakGflops = await measureMatmulGflops(flags.device);
        const tracePath = flags.trace ? path.resolve(flags.trace) : undefined;
        const profiled = await pipeline.profile(options, tracePath);
        const summary = summarizeProfile(profiled.events, profiled.result.timings.totalMs, peakGflops);
        if (flags.json) {
          const report = {
            model: modelDir,
            device: flags.device,
            dtype: flags.dtype,
            width: options.width,
            height: options.height,
            steps: options.steps,
            load,
            warmupMs,
            timings: profiled.result.timings,
            // The process's peak RSS during the profiled generation (CPU) or the CUDA allocator's peak.
            generationPeakMemoryBytes: profiled.result.memory.peakAllocated,
            trace: profiled.tracePath ?? null,
            summary,
          };
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          process.stdout.write(
            `${modelDir}: ${options.width}x${options.height}, ${options.steps} steps, ${flags.device} ${flags.dtype}; ` +
              `load ${load.ms.toFixed(0)} ms (peak RSS ${mib(load.peakRssBytes)} MiB; ` +
              Object.entries(load.components)
                .map(([name, c]) => `${name} ${c.ms.toFixed(0)} ms, RSS after ${mib(c.rssBytes)} MiB, peak ${mib(c.peakRssBytes)} MiB`)
                .join('; ') +
              ')\n\n',
          );
          process.stdout.write(formatProfile(summary));
          if (profiled.tracePath) process.stdout.write(`\ntrace: ${profiled.tracePath}\n`);
        }
      } finally {
        await pipeline.dispose();
      }
    });
}
