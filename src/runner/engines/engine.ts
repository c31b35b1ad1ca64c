import type { RunConfig } from '../../config/run-config.js';
import type { Device } from '../device.js';
import type { GeneratorFactory } from '../generator.js';
import type { ScorerFactory } from '../scorer.js';
import { FakeGenerator } from './fake-generator.js';
import { FakeScorer } from './fake-scorer.js';
import { createNativeDevice } from './native-device.js';
import { loadNativeGenerator } from './native-generator.js';
import { loadNativeScorer } from './native-scorer.js';

/** What the runner needs from an inference engine; chosen by the config's `engine`. */
export interface Engine {
  device: Device;
  /** Whether models must be found on disk (HF cache, research/models) before loading. */
  usesWeights: boolean;
  createGenerator: GeneratorFactory;
  createScorer: ScorerFactory;
}

export function createEngine(config: Pick<RunConfig, 'engine' | 'fake' | 'device' | 'threads'>): Engine {
  if (config.engine === 'fake') return fakeEngine(config.device, config.fake.msPerStep);
  return nativeEngine(config.device, { threads: config.threads });
}

/**
 * The libtorch addon: models are found on disk (explicit path, research/models/<key>, HF
 * cache), loaded once per model pass with the run's device and dtype (Pipeline), and scored
 * with src/scoring's CLIP + aesthetic scorer. Nothing native is loaded until first used.
 */
export function nativeEngine(device: string, options: { threads?: number } = {}): Engine {
  const nativeDevice = createNativeDevice(device, options);
  return {
    device: nativeDevice,
    usesWeights: true,
    createGenerator: (model, settings) => {
      nativeDevice.info(); // applies the thread count, refuses CUDA without CUDA
      return loadNativeGenerator(model, settings);
    },
    createScorer: (models, settings) => {
      nativeDevice.info();
      return loadNativeScorer(models, settings);
    },
  };
}

/** No weights, no GPU: deterministic images and scores (tests, overhead measurements). */
export function fakeEngine(device: string, msPerStep: number): Engine {
  return {
    device: {
      info: () => ({ device, name: 'fake engine', libtorchVersion: null }),
      emptyCache: () => undefined,
    },
    usesWeights: false,
    createGenerator: async () => new FakeGenerator({ msPerStep }),
    createScorer: async (models) => new FakeScorer(models),
  };
}
