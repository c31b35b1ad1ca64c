/**
 * The ONE module that loads the native addon. Everything else imports the typed API from here.
 * PPBENCH_ADDON_PATH overrides the location (e.g. a CUDA build next to the CPU one).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AddonLoadError, NativeEngineError } from './errors.js';
import type { LoadScorerOptions, NativeCancelToken, NativeLoadPipelineOptions, NativePipeline, RawAddon } from './types.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function addonPath(): string {
  return process.env.PPBENCH_ADDON_PATH
    ? path.resolve(process.env.PPBENCH_ADDON_PATH)
    : path.join(projectRoot, 'build', 'Release', 'ppdiffusion.node');
}

let cached: RawAddon | undefined;

export function loadAddon(): RawAddon {
  if (cached) return cached;
  const file = addonPath();
  if (!existsSync(file)) {
    throw new AddonLoadError(
      `native addon not found at ${file}: build it with \`npm run build:native\` (or run \`npm test\` / \`npm run bench\`, which set everything up)`,
    );
  }
  try {
    const addon = createRequire(import.meta.url)(file) as RawAddon;
    addon.setErrorConstructor(NativeEngineError);
    cached = addon;
    return addon;
  } catch (err) {
    throw new AddonLoadError(
      `cannot load native addon ${file}: ${(err as Error).message}. Rebuild it with \`npm run build:native\`.`,
      { cause: err },
    );
  }
}

export const device = {
  info: () => loadAddon().device.info(),
  emptyCache: () => loadAddon().device.emptyCache(),
  synchronize: () => loadAddon().device.synchronize(),
  memoryStats: (options?: { resetPeak?: boolean }) => loadAddon().device.memoryStats(options),
  setThreads: (threads: number) => loadAddon().device.setThreads({ threads }),
};

// Promise-returning calls are async so that argument errors reject too instead of throwing.
export const tensors = {
  load: async (file: string) => loadAddon().tensors.load(file),
  save: async (file: string, map: Parameters<RawAddon['tensors']['save']>[1]) => loadAddon().tensors.save(file, map),
};

export const diagnostics = {
  randn: async (shape: number[], seed: number) => loadAddon().diagnostics.randn({ shape, seed }),
  matmul: async (options: Parameters<RawAddon['diagnostics']['matmul']>[0]) => loadAddon().diagnostics.matmul(options),
};

export const loadNativePipeline = async (options: NativeLoadPipelineOptions): Promise<NativePipeline> =>
  loadAddon().loadPipeline(options);

/** A native cancel token that fires when `signal` aborts (and at once if it already has). */
export function cancelTokenFor(signal: AbortSignal | undefined): NativeCancelToken {
  const token = new (loadAddon().CancelToken)();
  if (signal) {
    if (signal.aborted) token.cancel();
    else signal.addEventListener('abort', () => token.cancel(), { once: true });
  }
  return token;
}

export const scoring = {
  /** A loaded CLIP (+ aesthetic) scorer; src/scoring wraps it with the tokenizer. */
  loadScorer: async (options: LoadScorerOptions) => loadAddon().scoring.loadScorer(options),
};
