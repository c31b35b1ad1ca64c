import type { RunConfig } from '../../config/run-config.js';
import type { Device } from '../device.js';
import { RunnerError } from '../errors.js';
import type { GeneratorFactory } from '../generator.js';
import type { ScorerFactory } from '../scorer.js';
import { FakeGenerator } from './fake-generator.js';
import { FakeScorer } from './fake-scorer.js';

/** What the runner needs from an inference engine; chosen by the config's `engine`. */
export interface Engine {
  device: Device;
  /** Whether models must be found on disk (HF cache, research/models) before loading. */
  usesWeights: boolean;
  createGenerator: GeneratorFactory;
  createScorer: ScorerFactory;
}

export function createEngine(config: Pick<RunConfig, 'engine' | 'fake' | 'device'>): Engine {
  if (config.engine === 'fake') return fakeEngine(config.device, config.fake.msPerStep);
  throw new RunnerError(
    'ERR_ENGINE_UNAVAILABLE',
    'engine "native": the libtorch addon is not wired into the runner yet (src/native binding + src/pipeline); ' +
      'use "engine": "fake" in the config or --engine fake until it lands',
  );
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
    createScorer: async () => new FakeScorer(),
  };
}
