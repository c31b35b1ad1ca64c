// The tables of `ppbench profile`, computed from a hand-made event list whose answer is known.
import { describe, expect, it } from 'vitest';
import type { NativeProfileEvent } from '../../src/native/types.js';
import { operatorClass } from '../../src/profile/operator-class.js';
import { summarizeProfile } from '../../src/profile/summarize-profile.js';

const scope = (name: string, startUs: number, durationUs: number): NativeProfileEvent => ({
  kind: 'scope',
  name,
  thread: 1,
  startUs,
  durationUs,
});
const op = (name: string, startUs: number, durationUs: number, extra: Partial<NativeProfileEvent> = {}): NativeProfileEvent => ({
  kind: 'op',
  name,
  thread: 1,
  startUs,
  durationUs,
  ...extra,
});
const memory = (startUs: number, bytes: number): NativeProfileEvent => ({
  kind: 'memory',
  name: '[memory]',
  thread: 1,
  startUs,
  durationUs: 0,
  bytes,
});

// text_encoder 0–100 µs; unet 100–1100 µs with conv_in (100 µs) and mid_block (800 µs, holding a
// conv2d → convolution chain and a linear → addmm chain); scheduler.step 1100–1200 µs.
const events: NativeProfileEvent[] = [
  scope('text_encoder', 0, 100),
  op('aten::layer_norm', 10, 50),
  scope('unet', 100, 1000),
  scope('unet.conv_in', 110, 100),
  op('aten::conv2d', 120, 80, { flops: 8e6, shapes: [[1, 4, 8, 8]] }),
  op('aten::convolution', 125, 70),
  scope('unet.mid_block', 250, 800),
  op('aten::conv2d', 260, 400, { flops: 40e6, shapes: [[1, 32, 8, 8]] }),
  op('aten::convolution', 265, 390),
  op('aten::linear', 700, 200),
  op('aten::addmm', 710, 150, { flops: 30e6, shapes: [[32], [64, 32], [32, 32]] }),
  op('aten::add', 950, 50),
  scope('scheduler.step', 1100, 100),
  op('aten::mul', 1110, 20),
  memory(5, 1000),
  memory(300, 5000),
  memory(400, -5000),
  memory(1120, 200),
];

describe('summarizeProfile', () => {
  const s = summarizeProfile(events, 1.25, 100);

  it('reports the top-level scopes as stages, with their share of the generation', () => {
    const byName = Object.fromEntries(s.stages.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual(['scheduler.step', 'text_encoder', 'unet']);
    expect(byName.unet!.ms).toBeCloseTo(1.0);
    expect(byName.unet!.share).toBeCloseTo(0.8);
  });

  it('reports the scopes directly inside the UNet as blocks, in order, not their nested scopes', () => {
    expect(s.unet.blocks.map((b) => b.name)).toEqual(['unet.conv_in', 'unet.mid_block']);
    expect(s.unet.blocksMs).toBeCloseTo(0.9);
    expect(s.unet.blocks[1]!.share).toBeCloseTo(0.8);
  });

  it('splits operator self time into classes without counting nested operators twice', () => {
    const byClass = Object.fromEntries(s.operatorClasses.map((r) => [r.name, r.ms]));
    // conv2d self = 80-70 + 400-390; convolution self = 70 + 390
    expect(byClass.convolution).toBeCloseTo(0.48);
    expect(byClass['matmul/linear']).toBeCloseTo(0.2);
    expect(byClass.normalization).toBeCloseTo(0.05);
    expect(byClass.elementwise).toBeCloseTo(0.07);
    expect(s.operatorSelfMs).toBeCloseTo(0.8);
  });

  it('turns FLOP estimates into GFLOP/s over the time of the estimated operators', () => {
    const conv = s.throughput.find((t) => t.class === 'convolution')!;
    expect(conv.gflop).toBeCloseTo(0.048);
    expect(conv.gflops).toBeCloseTo(48e6 / 480e3);
    expect(conv.ofPeak).toBeCloseTo(conv.gflops / 100);
    const mm = s.throughput.find((t) => t.class === 'matmul/linear')!;
    expect(mm.gflops).toBeCloseTo(30e6 / 150e3);
  });

  it('ranks operators by self time with their input shapes', () => {
    expect(s.topOperators[0]).toMatchObject({ name: 'aten::convolution', calls: 2 });
    expect(s.topOperators.find((o) => o.name === 'aten::addmm')!.shapes).toEqual([[32], [64, 32], [32, 32]]);
  });

  it('finds the peak bytes held inside each stage and the growth above its entry level', () => {
    const byStage = Object.fromEntries(s.memory.map((m) => [m.stage, m]));
    expect(byStage.unet).toMatchObject({ peakBytes: 6000, peakAboveEntryBytes: 5000 });
    expect(byStage.text_encoder).toMatchObject({ peakBytes: 1000, peakAboveEntryBytes: 1000 });
    expect(byStage['scheduler.step']).toMatchObject({ peakBytes: 1200, peakAboveEntryBytes: 200 });
  });
});

describe('operatorClass', () => {
  it.each([
    ['aten::mkldnn_convolution', 'convolution'],
    ['aten::addmm', 'matmul/linear'],
    ['aten::_scaled_dot_product_flash_attention_for_cpu', 'attention'],
    ['aten::native_group_norm', 'normalization'],
    ['aten::silu', 'elementwise'],
    ['aten::copy_', 'copies/casts'],
    ['aten::view', 'other'],
  ])('%s is %s', (name, cls) => expect(operatorClass(name)).toBe(cls));
});
