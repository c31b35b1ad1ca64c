import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_FILE, DEFAULT_PROMPTS_FILE } from '../../src/config/project-root.js';
import { loadRunConfig } from '../../src/config/load-run-config.js';
import { loadPrompts } from '../../src/config/prompts.js';
import { planRun } from '../../src/runner/plan.js';

describe('research/data/benchmark_prompts_v2.json', () => {
  const prompts = loadPrompts(DEFAULT_PROMPTS_FILE);

  it('holds exactly 100 prompts with unique ids p001..p100', () => {
    expect(prompts).toHaveLength(100);
    expect(prompts.map((p) => p.id)).toEqual(Array.from({ length: 100 }, (_, i) => `p${String(i + 1).padStart(3, '0')}`));
  });

  it('covers the ten categories, ten prompts each', () => {
    const counts = new Map<string, number>();
    for (const p of prompts) counts.set(p.category, (counts.get(p.category) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(
      ['animals', 'art-style', 'color-attribute', 'compositional', 'counting', 'objects', 'people', 'scenes', 'spatial', 'text'].sort(),
    );
    expect([...counts.values()].every((n) => n === 10)).toBe(true);
  });

  it('the default config plans the full benchmark: 7 models x 100 prompts x 4 seeds', () => {
    const plan = planRun(loadRunConfig(DEFAULT_CONFIG_FILE));
    expect(plan.models.map((m) => m.key)).toEqual(['sd15', 'sd21', 'sd-turbo', 'sdxl-base', 'sdxl-turbo', 'ssd1b', 'playground25']);
    expect(plan.models.reduce((n, m) => n + m.units.length, 0)).toBe(2800);
    expect(plan.config).toMatchObject({ device: 'cuda', dtype: 'fp16', calmPauseMs: 500, lease: { enabled: true } });
  });
});
