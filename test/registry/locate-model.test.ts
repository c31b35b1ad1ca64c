import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findSnapshot, hubCacheDir } from '../../src/registry/hf-cache.js';
import { locateHubModel } from '../../src/registry/locate-model.js';
import { locateUrlAsset } from '../../src/registry/locate-url-asset.js';
import type { UrlScoringModel } from '../../src/registry/model-entry.js';

const made: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ppbench-registry-'));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const COMMIT = 'a'.repeat(40);

/** A hub cache holding `repo` at `main`, laid out as huggingface_hub writes it. */
function fakeHubCache(repo: string): { cache: string; snapshot: string } {
  const cache = tmp();
  const repoDir = path.join(cache, `models--${repo.replace('/', '--')}`);
  const snapshot = path.join(repoDir, 'snapshots', COMMIT);
  mkdirSync(path.join(repoDir, 'refs'), { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  writeFileSync(path.join(repoDir, 'refs', 'main'), `${COMMIT}\n`);
  writeFileSync(path.join(snapshot, 'model_index.json'), '{}');
  return { cache, snapshot };
}

const ref = { key: 'sd15', repo: 'stable-diffusion-v1-5/stable-diffusion-v1-5', revision: 'main', variant: 'fp16' as const, marker: 'model_index.json' };

describe('hub cache location', () => {
  it('HF_HUB_CACHE > HUGGINGFACE_HUB_CACHE > $HF_HOME/hub > ~/.cache/huggingface/hub', () => {
    expect(hubCacheDir({ HF_HUB_CACHE: '/a', HUGGINGFACE_HUB_CACHE: '/b', HF_HOME: '/c' })).toBe('/a');
    expect(hubCacheDir({ HUGGINGFACE_HUB_CACHE: '/b', HF_HOME: '/c' })).toBe('/b');
    expect(hubCacheDir({ HF_HOME: '/c' })).toBe('/c/hub');
    expect(hubCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'huggingface', 'hub'));
  });

  it('follows refs/<revision> to the snapshot; a commit names it directly', () => {
    const { cache, snapshot } = fakeHubCache(ref.repo);
    expect(findSnapshot(cache, ref.repo, 'main')).toEqual({ dir: snapshot });
    expect(findSnapshot(cache, ref.repo, COMMIT)).toEqual({ dir: snapshot });
    expect(findSnapshot(cache, ref.repo, 'v2')).toEqual({ missing: path.join(cache, 'models--stable-diffusion-v1-5--stable-diffusion-v1-5', 'refs', 'v2') });
  });
});

describe('locateHubModel', () => {
  it('finds the snapshot in the HF cache', () => {
    const { cache, snapshot } = fakeHubCache(ref.repo);
    expect(locateHubModel(ref, { modelsDir: tmp(), env: { HF_HUB_CACHE: cache } })).toEqual({ dir: snapshot, source: 'hf-cache' });
  });

  it('research/models/<key> wins over the cache, and an explicit path over both', () => {
    const { cache } = fakeHubCache(ref.repo);
    const models = tmp();
    mkdirSync(path.join(models, 'sd15'));
    writeFileSync(path.join(models, 'sd15', 'model_index.json'), '{}');
    expect(locateHubModel(ref, { modelsDir: models, env: { HF_HUB_CACHE: cache } })).toEqual({ dir: path.join(models, 'sd15'), source: 'local' });
    const own = tmp();
    writeFileSync(path.join(own, 'model_index.json'), '{}');
    expect(locateHubModel({ ...ref, path: own }, { modelsDir: models })).toEqual({ dir: own, source: 'path' });
    expect(() => locateHubModel({ ...ref, path: tmp() })).toThrow(/configured path .* has no model_index\.json/);
  });

  it('a missing model says where it looked and how to prefetch it', () => {
    const cache = tmp();
    const err = (() => {
      try {
        locateHubModel(ref, { modelsDir: tmp(), env: { HF_HUB_CACHE: cache } });
      } catch (e) {
        return e as Error & { code: string };
      }
    })();
    expect(err?.code).toBe('ERR_MODEL_NOT_FOUND');
    expect(err?.message).toContain(`no snapshot in the HF cache ${cache}`);
    expect(err?.message).toContain('hf download stable-diffusion-v1-5/stable-diffusion-v1-5 --revision main --include "*.json" "*.txt" "*.fp16.safetensors"');
  });
});

describe('locateUrlAsset', () => {
  const asset: UrlScoringModel = {
    key: 'aesthetic',
    source: 'url',
    url: 'https://example.com/mlp.pth',
    file: 'mlp.pth',
    // sha256("abc")
    sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    sizeBytes: 3,
  };

  it('accepts the file only when its sha256 matches, and says how to fetch it when missing', () => {
    const models = tmp();
    expect(() => locateUrlAsset(asset, { modelsDir: models })).toThrow(/not found at .*mlp\.pth\. Fetch it with: .*curl -L -o .*https:\/\/example\.com\/mlp\.pth/);
    mkdirSync(path.join(models, 'aesthetic'));
    writeFileSync(path.join(models, 'aesthetic', 'mlp.pth'), 'abd');
    expect(() => locateUrlAsset(asset, { modelsDir: models })).toThrow(/has sha256 .*expected ba7816bf/);
    writeFileSync(path.join(models, 'aesthetic', 'mlp.pth'), 'abc');
    expect(locateUrlAsset(asset, { modelsDir: models })).toBe(path.join(models, 'aesthetic', 'mlp.pth'));
  });
});
