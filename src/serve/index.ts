/**
 * The reference backend: text-to-image over HTTP on the same native engine and the same GPU
 * lease as PromptPics' own backend. `ppbench serve` runs it; a Node backend can embed it:
 *
 *   import { createServer } from 'promptpics-bench/dist/serve/index.js';
 *   const server = createServer({ models: { sdxl: '/models/sdxl' }, device: 'cuda', dtype: 'fp16' });
 *   await server.listen();              // POST /generate, GET /gpu-status, GET /healthz
 *   const r = await server.generate({ model: 'sdxl', prompt: 'a red bicycle' });  // without HTTP
 *   await server.close();               // finish or abort in-flight work, release, dispose
 *
 * Every generation runs inside withGpuLease('backend', …): a running benchmark is asked to
 * yield and waited for at most maxWaitMs; concurrent requests hold the lease side by side.
 */
export {
  createServer,
  type GeneratedPng,
  type PpbenchServer,
  type ServeLeaseOptions,
  type ServeOptions,
  type ServerHealth,
} from './server.js';
export { ServeError, toErrorBody, type ErrorBody, type ServeErrorCode } from './errors.js';
export {
  ModelPool,
  type ModelState,
  type PipelineLoader,
  type ServeGenerateResult,
  type ServeModel,
  type ServePipeline,
} from './model-pool.js';
export { demoServeModels, parseModelList } from './models.js';
export {
  FALLBACK_DEFAULTS,
  GENERATE_LIMITS,
  generateRequestSchema,
  parseGenerateRequest,
  resolveSettings,
  type FieldIssue,
  type GenerateRequest,
  type ModelDefaults,
  type ResolvedSettings,
} from './request.js';
