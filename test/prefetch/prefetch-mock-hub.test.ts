// `ppbench prefetch` against a mock Hub on 127.0.0.1: what lands in the HF cache, that the runner
// and the engine use it as it is, resuming, checksums, gated repos.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunConfig, type LoadedRunConfig } from '../../src/config/load-run-config.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { readPng } from '../../src/image/png-decode.js';
import { fetchRepo } from '../../src/prefetch/fetch-repo.js';
import { fetchUrlAsset } from '../../src/prefetch/fetch-url-asset.js';
import { hubAccess } from '../../src/prefetch/hub-access.js';
import { HubClient } from '../../src/prefetch/hub-client.js';
import { prefetch, PrefetchError, prefetchTargets, type PrefetchProgress } from '../../src/prefetch/index.js';
import { loadPickScorer, loadScorer } from '../../src/scoring/index.js';
import { locateHubModel } from '../../src/registry/locate-model.js';
import { startCli } from '../helpers/cli.js';
import { fixturesDir } from '../helpers/shared.js';
import { repoFromFolder, sha256Of, startMockHub, type MockHub } from './helpers/mock-hub.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'ppbench-prefetch-'));
const REPO = 'mock/sd15-tiny';
const COMMIT = 'c0ffee'.padEnd(40, '0');
const fixture = repoFromFolder(path.join(fixturesDir(), 'sd15-tiny'));
/** What a real repo also holds and the engine never reads. */
const junk = {
  'README.md': Buffer.from('# tiny\n'),
  'v1-5-pruned-emaonly.safetensors': randomBytes(3000),
  'unet/diffusion_pytorch_model.bin': randomBytes(2000),
  'unet/diffusion_pytorch_model.non_ema.safetensors': randomBytes(2000),
  'safety_checker/config.json': Buffer.from('{}'),
  'safety_checker/model.safetensors': randomBytes(1000),
  'text_encoder/flax_model.msgpack': randomBytes(1000),
};
const fixtureBytes = [...fixture.values()].reduce((n, b) => n + b.length, 0);
const silent: PrefetchProgress = { planned: () => undefined, fileStart: () => undefined, fileProgress: () => undefined, fileDone: () => undefined };

let hub: MockHub;
beforeAll(async () => {
  hub = await startMockHub();
  hub.repos.set(REPO, { commit: COMMIT, files: repoFromFolder(path.join(fixturesDir(), 'sd15-tiny'), junk), lfs: (f) => /\.(safetensors|bin|msgpack)$/.test(f) });
});
afterAll(async () => {
  await hub.close();
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
/** A fresh cache and models folder, and the environment that points the runner and prefetch at them. */
function setup(extra: NodeJS.ProcessEnv = {}): { env: NodeJS.ProcessEnv; cache: string; config: LoadedRunConfig } {
  const dir = path.join(root, `case-${++n}`);
  const env = {
    HF_ENDPOINT: hub.url,
    HF_HUB_CACHE: path.join(dir, 'hub'),
    HF_HOME: path.join(dir, 'hf-home'),
    PPBENCH_MODELS_DIR: path.join(dir, 'models'),
    PPBENCH_REPO_SD15: REPO,
    ...extra,
  };
  const config = parseRunConfig({ engine: 'native', models: ['sd15'], device: 'cpu', scoring: { enabled: false } }, 'test config', dir);
  return { env, cache: env.HF_HUB_CACHE, config };
}

const unetSha = (): string => sha256Of(fixture.get('unet/diffusion_pytorch_model.safetensors')!);
const failure = async (p: Promise<unknown>): Promise<PrefetchError> => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(PrefetchError);
  return err as PrefetchError;
};

describe('ppbench prefetch (mock Hub on 127.0.0.1)', () => {
  it('puts exactly the files the engine reads into the HF cache, where the runner finds them and the engine generates', async () => {
    const { env, cache, config } = setup();
    const first = await prefetch(config, { env, progress: silent });
    expect(first.repos).toEqual([expect.objectContaining({ key: 'sd15', repo: REPO, commit: COMMIT, files: fixture.size })]);
    expect(first.downloadedBytes).toBe(fixtureBytes);

    const located = locateHubModel({ key: 'sd15', repo: REPO, revision: 'main', marker: 'model_index.json' }, { env });
    expect(located).toEqual({ dir: path.join(cache, 'models--mock--sd15-tiny', 'snapshots', COMMIT), source: 'hf-cache' });
    for (const [file, data] of fixture) {
      const link = path.join(located.dir, file);
      expect(lstatSync(link).isSymbolicLink(), file).toBe(true);
      expect(readlinkSync(link).startsWith('../'), file).toBe(true);
      expect(readFileSync(link).equals(data), file).toBe(true);
    }
    for (const file of Object.keys(junk)) expect(existsSync(path.join(located.dir, file)), file).toBe(false);
    expect(readFileSync(path.join(cache, 'models--mock--sd15-tiny', 'refs', 'main'), 'utf8')).toBe(COMMIT);

    const pipeline = await Pipeline.load({ modelDir: located.dir, device: 'cpu', dtype: 'fp32' });
    try {
      const r = await pipeline.generate({ prompt: 'a red bicycle', seed: 1, steps: 2, guidance: 7.5, width: 64, height: 64 });
      expect([r.image?.width, r.image?.height]).toEqual([64, 64]);
    } finally {
      await pipeline.dispose();
    }

    const before = hub.requests.length;
    const again = await prefetch(config, { env, progress: silent });
    expect([again.downloadedBytes, again.presentBytes]).toEqual([0, fixtureBytes]);
    expect(hub.requests.slice(before).filter((r) => r.includes('/resolve/') || r.includes('/lfs/'))).toEqual([]);
  });

  it('an interrupted download resumes with a Range request; a corrupted one is refused and not kept', async () => {
    const { env, cache, config } = setup();
    hub.dropAfter.set(unetSha(), 1000);
    const cut = await failure(prefetch(config, { env, progress: silent }));
    expect(cut.code).toBe('ERR_PREFETCH_NETWORK');
    expect(cut.message).toContain('run again to resume');
    const blob = path.join(cache, 'models--mock--sd15-tiny', 'blobs', unetSha());
    expect(statSync(`${blob}.incomplete`).size).toBe(1000);
    await prefetch(config, { env, progress: silent });
    expect(hub.requests).toContain(`GET /lfs/${unetSha()} bytes=1000-`);
    expect(readFileSync(blob).equals(fixture.get('unet/diffusion_pytorch_model.safetensors')!)).toBe(true);

    const other = setup();
    hub.corrupt.add(unetSha());
    try {
      const bad = await failure(prefetch(other.config, { env: other.env, progress: silent }));
      expect(bad.code).toBe('ERR_PREFETCH_CHECKSUM');
      expect(bad.message).toContain('unet/diffusion_pytorch_model.safetensors');
      const otherBlob = path.join(other.cache, 'models--mock--sd15-tiny', 'blobs', unetSha());
      expect([existsSync(otherBlob), existsSync(`${otherBlob}.incomplete`)]).toEqual([false, false]);
    } finally {
      hub.corrupt.delete(unetSha());
    }
  });

  it('a gated repo: without a token the error says to set HF_TOKEN; with it the files come', async () => {
    hub.repos.get(REPO)!.token = 'hf_secret';
    try {
      const anonymous = setup();
      const err = await failure(prefetch(anonymous.config, { env: anonymous.env, progress: silent }));
      expect(err.code).toBe('ERR_PREFETCH_AUTH');
      expect(err.message).toMatch(/HF_TOKEN/);
      const withToken = setup({ HF_TOKEN: 'hf_secret' });
      expect((await prefetch(withToken.config, { env: withToken.env, progress: silent })).downloadedBytes).toBe(fixtureBytes);
    } finally {
      delete hub.repos.get(REPO)!.token;
    }
  });

  it('the scoring CLIP repo and the aesthetic MLP (a plain URL checked by sha256): the scorer loads what was fetched', async () => {
    const scoring = path.join(fixturesDir(), 'scoring');
    hub.repos.set('mock/tiny-clip', {
      commit: 'b'.repeat(40),
      files: repoFromFolder(path.join(scoring, 'tiny-clip'), { 'pytorch_model.bin': randomBytes(500), 'tf_model.h5': randomBytes(500) }),
      lfs: (f) => /\.(safetensors|bin|h5)$/.test(f),
    });
    const { env, cache } = setup();
    const ctx = { client: new HubClient(hubAccess(env)), cacheDir: cache, progress: silent };
    const clip = await fetchRepo({ key: 'clip', repo: 'mock/tiny-clip', revision: 'main', kind: 'clip', variant: null }, ctx);
    expect([existsSync(path.join(clip.dir, 'model.safetensors')), existsSync(path.join(clip.dir, 'pytorch_model.bin'))]).toEqual([true, false]);

    // The aesthetic MLP: any URL (here the mock's content URL of an LFS file), checked against the registry's size and sha256.
    const weights = readFileSync(path.join(scoring, 'tiny-aesthetic', 'model.safetensors'));
    hub.repos.set('mock/aesthetic', { commit: 'a'.repeat(40), files: new Map([['model.safetensors', weights]]), lfs: () => true });
    const asset = { key: 'aesthetic', source: 'url' as const, url: `${hub.url}/lfs/${sha256Of(weights)}`, file: 'model.safetensors', sha256: sha256Of(weights), sizeBytes: weights.length };
    const file = path.join(env.PPBENCH_MODELS_DIR!, 'aesthetic', 'model.safetensors');
    expect(await fetchUrlAsset(asset, file, silent)).toEqual({ downloadedBytes: weights.length, presentBytes: 0 });
    expect(await fetchUrlAsset(asset, file, silent)).toEqual({ downloadedBytes: 0, presentBytes: weights.length });
    const wrong = await failure(fetchUrlAsset({ ...asset, sha256: 'f'.repeat(64) }, path.join(root, 'wrong.safetensors'), silent));
    expect(wrong.code).toBe('ERR_PREFETCH_CHECKSUM');

    const scorer = await loadScorer({ clip: clip.dir, aesthetic: file });
    try {
      const image = readPng(path.join(scoring, 'images', 'sd15-tiny__astronaut_pndm10.png'));
      const out = await scorer.score([image], ['a photo of an astronaut riding a horse on mars']);
      expect(out.images[0]!.clipScore).toHaveLength(1);
      expect(typeof out.images[0]!.aesthetic).toBe('number');
    } finally {
      await scorer.dispose();
    }
  });

  it('PickScore: the model repo with only pytorch_model.bin and the processor files of the laion repo (no weights); PickScore loads them', async () => {
    const scoring = path.join(fixturesDir(), 'scoring');
    const model = path.join(scoring, 'tiny-pickscore');
    hub.repos.set('mock/pickscore', {
      commit: 'd'.repeat(40),
      files: new Map([
        ['config.json', readFileSync(path.join(model, 'config.json'))],
        ['pytorch_model.bin', readFileSync(path.join(model, 'pytorch_model.bin'))],
        ['README.md', Buffer.from('# PickScore\n')],
      ]),
      lfs: (f) => f.endsWith('.bin'),
    });
    hub.repos.set('mock/clip-h', {
      commit: 'e'.repeat(40),
      files: repoFromFolder(path.join(scoring, 'tiny-pickscore-processor'), {
        'config.json': Buffer.from('{}'),
        'open_clip_pytorch_model.bin': randomBytes(700),
        'model.safetensors': randomBytes(700),
      }),
      lfs: (f) => /\.(safetensors|bin)$/.test(f),
    });
    const { env, cache } = setup();
    const ctx = { client: new HubClient(hubAccess(env)), cacheDir: cache, progress: silent };
    const fetchedModel = await fetchRepo({ key: 'pickscore', repo: 'mock/pickscore', revision: 'main', kind: 'clip-model', variant: null }, ctx);
    const fetchedProcessor = await fetchRepo({ key: 'pickscore-processor', repo: 'mock/clip-h', revision: 'main', kind: 'processor', variant: null }, ctx);
    expect(existsSync(path.join(fetchedModel.dir, 'pytorch_model.bin'))).toBe(true);
    expect(fetchedProcessor.files).toBe(5);
    for (const absent of ['config.json', 'open_clip_pytorch_model.bin', 'model.safetensors']) expect(existsSync(path.join(fetchedProcessor.dir, absent))).toBe(false);

    const scorer = await loadPickScorer({ model: fetchedModel.dir, processor: fetchedProcessor.dir });
    try {
      const golden = JSON.parse(readFileSync(path.join(scoring, 'pickscore_golden.json'), 'utf8')) as { texts: string[]; images: Record<string, { file: string; pickscore_per_text: number[] }> };
      const [name, entry] = Object.entries(golden.images)[0]!;
      const out = await scorer.score([readPng(path.join(scoring, entry.file))], golden.texts);
      out.pickScore[0]!.forEach((x, j) => expect(Math.abs(x - entry.pickscore_per_text[j]!), name).toBeLessThanOrEqual(1e-3));
    } finally {
      await scorer.dispose();
    }
  });

  it('a config with scoring.pickscore targets PickScore_v1 (weights) and the laion CLIP-H repo (processor files only)', () => {
    const { env } = setup();
    const config = parseRunConfig({ engine: 'native', models: ['sd15'], device: 'cpu', scoring: { pickscore: true } }, 'test config', root);
    const repos = prefetchTargets(config, env).repos.map((r) => [r.key, r.repo, r.kind]);
    expect(repos).toContainEqual(['pickscore', 'yuvalkirstain/PickScore_v1', 'clip-model']);
    expect(repos).toContainEqual(['pickscore-processor', 'laion/CLIP-ViT-H-14-laion2B-s32B-b79K', 'processor']);
    const off = parseRunConfig({ engine: 'native', models: ['sd15'], device: 'cpu', scoring: { aesthetic: false } }, 'test config', root);
    const targets = prefetchTargets(off, env);
    expect(targets.repos.map((r) => r.key)).toEqual(['sd15', 'clip']);
    expect(targets.assets).toEqual([]);
  });

  it('the CLI: --dry-run lists each file and the total without downloading weights', async () => {
    const { env } = setup();
    const configFile = path.join(root, 'prefetch-config.json');
    writeFileSync(configFile, JSON.stringify({ engine: 'native', models: ['sd15'], device: 'cpu', scoring: { enabled: false } }));
    // Not spawnSync: the mock Hub answers from this process.
    const cli = startCli(['prefetch', '--config', configFile, '--dry-run'], env);
    expect(await cli.exited, cli.output()).toEqual({ code: 0, signal: null });
    expect(cli.output()).toContain('to fetch sd15: unet/diffusion_pytorch_model.safetensors');
    expect(cli.output()).toMatch(/to download 0\.0\d GB, already present 0\.00 GB/);
    expect(existsSync(path.join(env.HF_HUB_CACHE!, 'models--mock--sd15-tiny', 'blobs', unetSha()))).toBe(false);
  });
});
