import { Command, Option } from 'commander';
import { defaultDemoRoot } from '../../demo/index.js';
import { createServer, demoServeModels, parseModelList, type ServeModel } from '../../serve/index.js';
import { GENERATE_LIMITS } from '../../serve/request.js';
import { SERVE_DEFAULT_LIMITS } from '../../serve/server-options.js';
import { integerIn, oneOf } from '../option-parsers.js';

interface ServeFlags {
  host: string;
  port: number;
  models?: string;
  demo?: boolean;
  demoDir?: string;
  device: string;
  dtype: 'fp32' | 'fp16' | 'bf16';
  maxWaitMs?: number;
  bodyLimit: number;
  maxPromptLength: number;
  maxInflight: number;
  shutdownGraceMs: number;
  maxPixels: number;
  maxSteps: number;
  exposeDetails?: boolean;
  preload?: boolean;
  logLevel: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

async function servedModels(flags: ServeFlags): Promise<Record<string, ServeModel>> {
  if (!flags.models && !flags.demo) {
    throw Object.assign(new Error('serve: give --models KEY=DIR,… (or registry keys) and/or --demo'), { code: 'ERR_SERVE_OPTIONS' });
  }
  const demo = flags.demo ? await demoServeModels(flags.demoDir ?? defaultDemoRoot()) : {};
  // Explicit --models entries win over demo models of the same key.
  return { ...demo, ...(flags.models ? parseModelList(flags.models) : {}) };
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('reference backend: POST /generate (PNG) under the GPU lease as owner "backend", GET /gpu-status, GET /healthz')
    .option('--host <host>', 'address to bind (keep 127.0.0.1 unless a proxy in front needs more)', '127.0.0.1')
    .option('--port <n>', 'port (0 = any free port, printed at start)', integerIn(0, 65535), 8080)
    .option('--models <list>', 'comma-separated KEY=DIR (a diffusers folder) or registry KEY (research/models/<key> or the HF cache)')
    .option('--demo', 'serve the tiny demo models (generated when missing)')
    .option('--demo-dir <dir>', 'demo model folder (default $PPBENCH_DEMO_DIR or research/models/.demo)')
    .addOption(new Option('--device <device>', 'cpu | cuda | cuda:N').default('cpu'))
    .addOption(new Option('--dtype <dtype>', 'fp32 | fp16 | bf16').default('fp32').argParser(oneOf(['fp32', 'fp16', 'bf16'] as const)))
    .option('--max-wait-ms <n>', 'longest wait for a running benchmark to yield before proceeding anyway (lease maxWaitMs, default 2000)', integerIn(1, 3_600_000))
    .option('--body-limit <bytes>', 'largest request body', integerIn(1024, 16 << 20), 64 << 10)
    .option('--max-prompt-length <chars>', 'longest prompt or negative prompt', integerIn(1, 100_000), 2000)
    .option('--max-inflight <n>', 'generations admitted at once (queued included); more answer 503', integerIn(1, 10_000), 16)
    .option('--shutdown-grace-ms <n>', 'on SIGINT/SIGTERM, how long in-flight generations may finish before they are aborted', integerIn(0, 3_600_000), 30_000)
    .option(
      '--max-pixels <n>',
      'largest width × height a request may ask for (model defaults included); more answer 400 ERR_LIMIT',
      integerIn(GENERATE_LIMITS.minSize ** 2, GENERATE_LIMITS.maxSize ** 2),
      SERVE_DEFAULT_LIMITS.maxPixels,
    )
    .option(
      '--max-steps <n>',
      'most denoising steps a request may ask for (model defaults included); more answer 400 ERR_LIMIT',
      integerIn(1, GENERATE_LIMITS.maxSteps),
      SERVE_DEFAULT_LIMITS.maxSteps,
    )
    .option('--expose-details', '/healthz and /gpu-status also show model folders, the lease file, hosts, pids and raw load errors')
    .option('--preload', 'load every model at start (inside a backend lease) instead of on its first request')
    .addOption(new Option('--log-level <level>', 'JSON log lines on stderr').default('info').argParser(oneOf(LOG_LEVELS)))
    .action(async (flags: ServeFlags) => {
      const models = await servedModels(flags);
      const server = createServer({
        models,
        host: flags.host,
        port: flags.port,
        device: flags.device,
        dtype: flags.dtype,
        // This process shuts down through close() on its own handlers, letting requests finish.
        lease: { ...(flags.maxWaitMs !== undefined ? { maxWaitMs: flags.maxWaitMs } : {}), handleSignals: false },
        bodyLimit: flags.bodyLimit,
        maxPromptLength: flags.maxPromptLength,
        maxInflight: flags.maxInflight,
        shutdownGraceMs: flags.shutdownGraceMs,
        maxPixels: flags.maxPixels,
        maxSteps: flags.maxSteps,
        exposeDetails: flags.exposeDetails ?? false,
        logger: flags.logLevel === 'silent' ? false : { level: flags.logLevel, stream: process.stderr },
      });
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals): void => {
        signals++;
        if (signals === 1) {
          process.stderr.write(
            `ppbench serve: ${signal}: no new requests; in-flight ones may finish for ${flags.shutdownGraceMs} ms (send it again to abort them)\n`,
          );
          server.close().then(
            () => {
              const stuck = server.health().models.filter((m) => m.loading).map((m) => m.key);
              if (stuck.length > 0) {
                // A native load blocked in the kernel (e.g. open() on a FIFO) pins a libuv worker
                // thread, and exit() joins those threads: it would never return. The leases are
                // released already, so end the process the only way that does not wait for it.
                process.stderr.write(
                  `ppbench serve: stopped; the load of ${stuck.join(', ')} is still blocked in native code: exiting with SIGKILL\n`,
                );
                process.kill(process.pid, 'SIGKILL');
                return;
              }
              process.stderr.write('ppbench serve: stopped\n');
              process.exit(0);
            },
            (err: unknown) => {
              process.stderr.write(`ppbench serve: shutdown failed: ${(err as Error).message}\n`);
              process.exit(1);
            },
          );
        } else {
          process.stderr.write(`ppbench serve: ${signal} again: aborting in-flight generations\n`);
          void server.close({ graceMs: 0 });
        }
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);

      if (flags.preload) {
        for (const key of Object.keys(models)) {
          const t0 = performance.now();
          await server.preload(key);
          process.stderr.write(`ppbench serve: loaded ${key} in ${(performance.now() - t0).toFixed(0)} ms\n`);
        }
      }
      const url = await server.listen();
      const health = server.health();
      process.stdout.write(
        `ppbench serve: listening on ${url} — models: ${Object.keys(models).join(', ')} (${flags.device}, ${flags.dtype}); ` +
          `GPU lease file ${health.gpuCoordPath}\n`,
      );
      if (flags.demo) {
        process.stdout.write(
          'ppbench serve: the demo models are tiny random-weight models for trying the API and the lease: ' +
            'their images are noise, not pictures\n',
        );
      }
    });
}
