import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/config/load-run-config.js';
import { checkClipModelFolder, checkClipProcessorFolder, checkScoringModels, locateAestheticWeights } from '../../src/runner/scoring-models.js';
import { fixturesDir, projectRoot } from '../helpers/shared.js';
import { hookedEngine, plan, runInto, tempDir, testConfig } from './helpers/bench-env.js';

const scoring = path.join(fixturesDir(), 'scoring');

describe('runner scoring settings', () => {
  it('scoring.pickscore stores metric pickscore next to clip_score, clip_cosine and aesthetic, and records the PickScore load', async () => {
    const { runId, status, store } = await runInto(tempDir(), plan(testConfig({ scoring: { enabled: true, batchSize: 4, pickscore: true } })));
    try {
      expect(status).toBe('completed');
      const rows = store.images.results(runId);
      expect(rows).toHaveLength(12);
      for (const row of rows) expect(Object.keys(row.scores).sort()).toEqual(['aesthetic', 'clip_cosine', 'clip_score', 'pickscore']);
      expect(store.runs.modelLoads(runId).filter((l) => l.role === 'scoring').map((l) => [l.model, l.status])).toEqual([
        ['clip', 'loaded'],
        ['pickscore', 'loaded'],
      ]);
    } finally {
      store.close();
    }
  });

  it("the scoring models are loaded for each model's scoring and released right after it", async () => {
    const base = hookedEngine();
    const log: string[] = [];
    const engine = {
      ...base,
      createGenerator: async (...args: Parameters<typeof base.createGenerator>) => {
        log.push(`generator ${args[0].entry.key}`);
        return base.createGenerator(...args);
      },
      createScorer: async (...args: Parameters<typeof base.createScorer>) => {
        const inner = await base.createScorer(...args);
        log.push(`load scorer${args[0].pickscore ? ' + pickscore' : ''}`);
        return { score: inner.score.bind(inner), dispose: async () => void log.push('release scorer') };
      },
    };
    const { status, store } = await runInto(tempDir(), plan(testConfig({ scoring: { enabled: true, batchSize: 4, pickscore: true } })), { engine });
    store.close();
    expect(status).toBe('completed');
    expect(log).toEqual(['generator sd-turbo', 'load scorer + pickscore', 'release scorer', 'generator ssd1b', 'load scorer + pickscore', 'release scorer']);
  });

  it('scoring.aesthetic false scores CLIP only; pickscore is off unless asked for', async () => {
    const { runId, status, store } = await runInto(tempDir(), plan(testConfig({ scoring: { enabled: true, batchSize: 8, aesthetic: false } })));
    try {
      expect(status).toBe('completed');
      for (const row of store.images.results(runId)) expect(Object.keys(row.scores).sort()).toEqual(['clip_cosine', 'clip_score']);
    } finally {
      store.close();
    }
  });

  it('the research configs turn PickScore on; a config without the key leaves it off', () => {
    for (const name of ['default.json', 'demo.json']) {
      const raw = JSON.parse(readFileSync(path.join(projectRoot, 'research', 'configs', name), 'utf8')) as { scoring: { pickscore?: boolean } };
      expect(raw.scoring.pickscore, name).toBe(true);
    }
    expect(testConfig().scoring.pickscore).toBe(false);
    expect(() => parseRunConfig({ models: [{ key: 'sd15' }], scoring: { pickscore: 'yes' } }, 'inline', process.cwd())).toThrow(/scoring\.pickscore/);
  });
});

describe('scoring model checks (cheap, no weights read)', () => {
  it('custom aesthetic weights are used as given with their sha256; false means none; a missing file is named', () => {
    const file = path.join(scoring, 'tiny-aesthetic', 'model.pth');
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(locateAestheticWeights({ path: file })).toEqual({ file, sha256, custom: true });
    expect(locateAestheticWeights(false)).toBeNull();
    const missing = path.join(tempDir(), 'nope.safetensors');
    expect(() => locateAestheticWeights({ path: missing })).toThrow(`scoring.aesthetic.path: ${missing} is not a file`);
    // The registry's LAION file: refused unless its hash matches (here: a wrong file in its place).
    const models = tempDir();
    mkdirSync(path.join(models, 'aesthetic'));
    writeFileSync(path.join(models, 'aesthetic', 'sac+logos+ava1-l14-linearMSE.pth'), 'not the LAION file');
    expect(() => locateAestheticWeights(undefined, { modelsDir: models })).toThrow(/has sha256 [0-9a-f]{64}, expected 21dd590f/);
  });

  it('CLIPModel and processor folders: every problem names its file', () => {
    expect(checkClipModelFolder(path.join(scoring, 'tiny-pickscore'))).toEqual([]);
    expect(checkClipProcessorFolder(path.join(scoring, 'tiny-pickscore-processor'))).toEqual([]);
    const textEncoder = path.join(fixturesDir(), 'sd15-tiny', 'text_encoder');
    expect(checkClipModelFolder(textEncoder)).toContain(`${path.join(textEncoder, 'config.json')}: not a transformers CLIPModel config (no "vision_config" object)`);
    const binOnly = tempDir();
    copyFileSync(path.join(scoring, 'tiny-pickscore', 'config.json'), path.join(binOnly, 'config.json'));
    expect(checkClipModelFolder(binOnly)).toEqual([`${binOnly}: no weights (looked for model.safetensors, model.safetensors.index.json, pytorch_model.bin)`]);
    copyFileSync(path.join(scoring, 'tiny-pickscore', 'pytorch_model.bin'), path.join(binOnly, 'pytorch_model.bin'));
    expect(checkClipModelFolder(binOnly)).toEqual([]);
    // The model folder is no processor folder: no preprocessor config, no tokenizer.
    const model = path.join(scoring, 'tiny-pickscore');
    expect(checkClipProcessorFolder(model)).toEqual([
      `${path.join(model, 'preprocessor_config.json')} is missing`,
      `${model}: no tokenizer files (vocab.json + merges.txt, or tokenizer.json)`,
    ]);
  });

  it('checkScoringModels lists every missing scoring model of a config with how to fetch it', () => {
    const models = tempDir();
    const env = { PPBENCH_MODELS_DIR: models, HF_HUB_CACHE: path.join(models, 'hf-cache') };
    const config = parseRunConfig({ models: [{ key: 'sd15' }], scoring: { pickscore: true } }, 'inline', process.cwd());
    const found = checkScoringModels(config, { modelsDir: models, env });
    expect(found.map((p) => p.model)).toEqual(['clip', 'aesthetic', 'pickscore', 'pickscore-processor']);
    const problems = found.map((p) => p.problem);
    expect(problems[0]).toContain('model "clip"');
    expect(problems[1]).toContain('scoring model "aesthetic" not found');
    expect(problems[2]).toContain('model "pickscore" (yuvalkirstain/PickScore_v1@main) not found');
    expect(problems[3]).toContain('model "pickscore-processor" (laion/CLIP-ViT-H-14-laion2B-s32B-b79K@main) not found');
    expect(problems[2]).toContain('ppbench prefetch');
    // Folders in place: PickScore and its processor pass (the CLIP and aesthetic are still missing).
    for (const [key, from] of [
      ['pickscore', 'tiny-pickscore'],
      ['pickscore-processor', 'tiny-pickscore-processor'],
    ] as const) {
      mkdirSync(path.join(models, key));
      for (const f of ['config.json', 'model.safetensors', 'preprocessor_config.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json']) {
        try {
          copyFileSync(path.join(scoring, from, f), path.join(models, key, f));
        } catch {
          // each fixture folder has only its own files
        }
      }
    }
    expect(checkScoringModels(config, { modelsDir: models, env })).toHaveLength(2);
    expect(checkScoringModels(parseRunConfig({ models: [{ key: 'sd15' }], scoring: { enabled: false } }, 'inline', process.cwd()), { env })).toEqual([]);
  });
});
