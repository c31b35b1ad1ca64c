import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelInventory } from '../../src/registry/model-inventory.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../runner/helpers/bench-env.js';

const fixtures = path.join(process.env.PPBENCH_SHARED_DIR ?? path.resolve('shared'), 'fixtures');

function machineWith(keys: string[]): NodeJS.ProcessEnv {
  const dir = tempDir();
  const models = path.join(dir, 'models');
  mkdirSync(models);
  for (const key of keys) symlinkSync(path.join(fixtures, 'sd15-tiny'), path.join(models, key));
  return { ...process.env, PPBENCH_MODELS_DIR: models, HF_HUB_CACHE: path.join(dir, 'hf'), HF_HOME: path.join(dir, 'hf-home') };
}

describe('doctor: which models this machine has', () => {
  it('lists the seven models and the scoring models, present with their folder or missing with the fix', () => {
    const env = machineWith(['sd15', 'ssd1b']);
    const inventory = modelInventory({ env });
    expect(inventory.map((m) => [m.role, m.key, m.present])).toEqual([
      ['generation', 'sd15', true], ['generation', 'sd21', false], ['generation', 'sd-turbo', false], ['generation', 'sdxl-base', false],
      ['generation', 'sdxl-turbo', false], ['generation', 'ssd1b', true], ['generation', 'playground25', false],
      ['scoring', 'clip', false], ['scoring', 'aesthetic', false],
    ]);
    expect(inventory[0]).toEqual({ key: 'sd15', role: 'generation', present: true, dir: path.join(env.PPBENCH_MODELS_DIR!, 'sd15'), fix: null });
    expect(inventory[1]!.fix).toBe('npx ppbench prefetch --models sd21');
  });

  it('ppbench doctor prints them', () => {
    const env = machineWith(['sd21']);
    writeFileSync(path.join(env.PPBENCH_MODELS_DIR!, 'unrelated.txt'), '');
    const r = runCli(['doctor', '--json'], { env });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { models: Array<{ key: string; present: boolean }> };
    expect(report.models.filter((m) => m.present).map((m) => m.key)).toEqual(['sd21']);
    const table = runCli(['doctor'], { env }).stdout;
    expect(table).toMatch(/model sd21\s+present: .*sd21/);
    expect(table).toMatch(/model sd15\s+missing — npx ppbench prefetch --models sd15/);
  }, 60_000);
});
