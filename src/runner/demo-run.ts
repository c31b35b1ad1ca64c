import path from 'node:path';
import { ConfigError } from '../config/config-error.js';
import type { LoadedRunConfig } from '../config/load-run-config.js';
import { DEFAULT_CONFIG_FILE, DEMO_CONFIG_FILE, projectRoot } from '../config/project-root.js';
import { findHubModel, prefetchCommand } from '../registry/locate-model.js';
import { generationModel, resolveSource } from '../registry/lookup.js';
import type { RunPlan } from './plan.js';

/** A generation model the default config needs that is not on this machine. */
export interface MissingModel {
  key: string;
  repo: string;
  revision: string;
  variant: 'fp16' | null;
  /** research/models/<key> (or $PPBENCH_MODELS_DIR/<key>) */
  localDir: string;
  /** The Hugging Face hub cache that was searched. */
  cacheDir: string;
}

/** Whether `ppbench run` / `npm run bench` runs the demo models, and why. */
export interface RunMode {
  demo: boolean;
  /** One line: what decided (printed before the run). */
  reason: string;
  /** Auto-detection only: the default config's models that were not found. */
  missing: MissingModel[];
  /** Auto-detection only: how many models the default config lists. */
  checked: number;
}

export interface RunModeRequest {
  config?: string;
  resume?: string;
  engine?: string;
  /** true: --demo; false: --no-demo; undefined: $PPBENCH_DEMO, else auto-detect. */
  demo?: boolean;
}

/** PPBENCH_DEMO=1/true forces the demo run, 0/false forbids it, unset or empty: auto. */
export function demoFromEnv(env: NodeJS.ProcessEnv): boolean | undefined {
  const raw = env.PPBENCH_DEMO?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (raw === '1' || raw === 'true' || raw === 'yes') return true;
  if (raw === '0' || raw === 'false' || raw === 'no') return false;
  throw new ConfigError('ERR_CONFIG', `PPBENCH_DEMO=${env.PPBENCH_DEMO}: expected 1 (demo run), 0 (never) or nothing (auto)`);
}

const rel = (file: string): string => path.relative(process.cwd(), file) || '.';

/**
 * The rule: a run is a DEMO run when
 *  - `--demo` (or PPBENCH_DEMO=1) says so; or
 *  - no `--config`, `--resume` or `--engine fake` was given (a plain `npm run bench` /
 *    `ppbench run`) AND at least one model of research/configs/default.json (after `--models`)
 *    cannot be found on this machine — neither at its configured path, nor in
 *    research/models/<key> ($PPBENCH_MODELS_DIR/<key>), nor in the Hugging Face cache at the
 *    registry's repo and revision ($PPBENCH_REPO_<KEY> / $PPBENCH_REVISION_<KEY>).
 * A given config is always run as written; `--no-demo` / PPBENCH_DEMO=0 turn detection off
 * (the run then reports each missing model as load-failed).
 */
export function chooseRunMode(request: RunModeRequest, env: NodeJS.ProcessEnv, loadDefault: () => LoadedRunConfig): RunMode {
  const none = (reason: string): RunMode => ({ demo: false, reason, missing: [], checked: 0 });
  if (request.resume !== undefined) {
    if (request.demo === true) throw new ConfigError('ERR_CONFIG', '--demo cannot be combined with --resume (a resumed run keeps its stored config)');
    return none('a resumed run keeps its stored config');
  }
  const forced = request.demo ?? demoFromEnv(env);
  // `npm run bench -- --demo` passes the flag on as PPBENCH_DEMO (src/runner/bench-entry.ts).
  const how = request.demo !== undefined ? (request.demo ? '--demo' : '--no-demo') : `PPBENCH_DEMO=${env.PPBENCH_DEMO} (--demo / --no-demo of npm run bench)`;
  if (forced === true) {
    const conflicts = [
      request.config !== undefined && '--config (a demo run uses research/configs/demo.json)',
      request.engine === 'fake' && '--engine fake (the demo models run on the native engine)',
    ].filter((c): c is string => typeof c === 'string');
    if (conflicts.length > 0) throw new ConfigError('ERR_CONFIG', `${how} cannot be combined with ${conflicts.join(', ')}`);
    return { demo: true, reason: `${how} was given`, missing: [], checked: 0 };
  }
  if (forced === false) return none(`${how}: demo detection is off`);
  if (request.config !== undefined) return none('a config was given');
  if (request.engine === 'fake') return none('the fake engine needs no weights');

  const config = loadDefault();
  if (config.engine !== 'native' || config.demo) return none(`${rel(DEFAULT_CONFIG_FILE)} needs no real weights`);
  const missing: MissingModel[] = [];
  for (const [i, m] of config.models.entries()) {
    const entry = generationModel(m.key, `models[${i}].key`);
    const source = resolveSource(entry, m, env);
    const found = findHubModel({ key: m.key, ...source, variant: entry.variant, marker: 'model_index.json' }, { env });
    if ('problem' in found) {
      missing.push({ key: m.key, repo: source.repo, revision: source.revision, variant: entry.variant, localDir: found.localDir, cacheDir: found.cacheDir });
    }
  }
  const n = config.models.length;
  if (missing.length === 0) {
    return { demo: false, reason: `no --config given and all ${n} models of ${rel(DEFAULT_CONFIG_FILE)} were found on this machine: running them`, missing, checked: n };
  }
  return {
    demo: true,
    reason: `no --config given and ${missing.length} of the ${n} models of ${rel(DEFAULT_CONFIG_FILE)} are not on this machine`,
    missing,
    checked: n,
  };
}

const RULE = '='.repeat(96);

/** Printed before a demo run starts: what these models are, why they run, and how to run the real ones. */
export function demoBanner(plan: RunPlan, mode: RunMode): string {
  const demo = plan.demo!;
  const { config } = plan;
  const images = plan.models.reduce((n, m) => n + m.units.length, 0);
  const sizes = [...new Set(plan.models.map((m) => `${m.settings.width}x${m.settings.height}`))].join(', ');
  const steps = plan.models.map((m) => m.settings.steps);
  const lines = [
    RULE,
    'DEMO RUN - these are DEMO models, not the benchmark models.',
    `The ${plan.models.length} model(s) (${plan.models.map((m) => m.key).join(', ')}) are tiny stand-ins with the real architectures`,
    '(block layout, text encoders, schedulers, VAE settings) but RANDOM WEIGHTS: their images are noise, and the',
    'CLIP / aesthetic scores come from a random-weight demo CLIP and aesthetic MLP. No number of this run says',
    'anything about the real models; it checks that the whole benchmark works end to end (native engine, lease,',
    'database, PNGs, scoring) and how fast the runner goes on this machine.',
    `Why a demo run: ${mode.reason}.`,
  ];
  if (mode.missing.length > 0) {
    for (const m of mode.missing) lines.push(`  missing ${m.key.padEnd(13)} ${m.repo}@${m.revision}`);
    const first = mode.missing[0]!;
    lines.push(`  (looked in ${rel(path.dirname(first.localDir))}/<key> and in the Hugging Face cache ${first.cacheDir})`);
  }
  lines.push(
    `Run: ${plan.prompts.length} prompt(s) x ${config.seedsPerPrompt} seed(s) x ${plan.models.length} model(s) = ${images} images, ${sizes}, ` +
      `${Math.min(...steps)}-${Math.max(...steps)} steps, on ${config.device} ${config.dtype} (${rel(DEMO_CONFIG_FILE)}).`,
    `Demo models: ${demo.dir} (built when missing; \`ppbench demo\` builds them alone).`,
    'To benchmark the REAL models, make the weights findable (see the registry, src/registry/models.ts), then run',
    '`npm run bench` again - it uses them as soon as every model of research/configs/default.json is found:',
    '  - prefetch everything the default config reads (the seven models, ~32.5 GB in fp16, and the scoring models) into the',
    '    Hugging Face cache ($HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub): `npx ppbench prefetch` (resumable;',
    '    `--models KEY,...` for some, `--dry-run` to list), or with the hf CLI, one per model, e.g.',
    `      ${prefetchCommand({ repo: mode.missing[0]?.repo ?? plan.models[0]!.entry.repo, revision: mode.missing[0]?.revision ?? 'main', variant: mode.missing[0]?.variant ?? plan.models[0]!.entry.variant, marker: 'model_index.json' })}`,
    `  - or put a diffusers folder at ${rel(path.join(projectRoot, 'research', 'models'))}/<key> (or $PPBENCH_MODELS_DIR/<key>);`,
    '  - or write a run config with models[].path / repo / revision and run `npm run bench -- --config FILE`',
    '    (research/configs/README.md). Scoring needs openai/clip-vit-large-patch14 and the LAION aesthetic .pth too.',
    RULE,
  );
  return `${lines.join('\n')}\n`;
}

/** Printed after a demo run, just before the summary table. */
export function demoTrailer(plan: RunPlan, runId: string, resultsDir: string): string {
  return (
    `\nDEMO run ${runId}: the table below is for the RANDOM-WEIGHT demo models on ${plan.config.device}. Latencies measure the engine ` +
    'and runner on tiny networks; CLIP and aesthetic scores come from the random demo CLIP. Nothing here describes the real models.\n' +
    `Images and database: ${resultsDir} (resume with: ppbench run --resume ${runId} --results-dir ${resultsDir}). ` +
    'Real models: see the banner at the start (weights in the HF cache or research/models/<key>, or --config FILE).\n\n'
  );
}
