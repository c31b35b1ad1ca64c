import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { device, diagnostics, loadAddon, tensors } from '../../src/native/binding.js';
import { NativeEngineError } from '../../src/native/errors.js';
import { fixturesDir } from '../helpers/shared.js';

describe('native addon: device API', () => {
  it('reports libtorch 2.x and honest CPU values', () => {
    const info = device.info();
    expect(info.torchVersion).toMatch(/^2\.\d+/);
    expect(info.threads).toBeGreaterThan(0);
    if (!info.cudaAvailable) {
      expect(device.emptyCache()).toEqual({ flushed: false });
      expect(device.synchronize()).toEqual({ synchronized: false });
      const stats = device.memoryStats({ resetPeak: true });
      expect(stats.cuda).toBe(false);
      expect(stats.peakAllocated).toBeGreaterThanOrEqual(stats.allocated);
      expect(stats.allocated).toBeGreaterThan(0);
    }
  });
});

describe('native addon: error translation', () => {
  it('a libtorch error inside a worker becomes a rejected Promise with code ERR_TORCH', async () => {
    const err = await diagnostics.matmul({ a: [2, 3], b: [4, 5] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NativeEngineError);
    expect((err as NativeEngineError).code).toBe('ERR_TORCH');
    expect((err as Error).message).toMatch(/2x3 and 4x5/);
    // The process survived and the worker pool still works.
    await expect(diagnostics.matmul({ a: [2, 3], b: [3, 2] })).resolves.toHaveProperty('ms');
  });

  it('bad arguments are ERR_INVALID_ARG naming the argument and value', async () => {
    const err = await diagnostics.randn([2, 2], -3).catch((e: unknown) => e);
    expect((err as NativeEngineError).code).toBe('ERR_INVALID_ARG');
    expect((err as Error).message).toContain('for seed but received -3 of type number');
    expect(() => loadAddon().device.setThreads({ threads: 'x' as unknown as number })).toThrow(
      /Expected positive integer.* for threads but received "x" of type string/,
    );
    await expect(diagnostics.matmul({ a: [2, 2], b: [2, 2], dtype: 'fp64' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: expect.stringContaining('"fp64"'),
    });
  });

  it('a missing or corrupt tensor file is ERR_MODEL_LOAD naming the file', async () => {
    await expect(tensors.load('/nonexistent/weights.safetensors')).rejects.toMatchObject({
      code: 'ERR_MODEL_LOAD',
      message: expect.stringContaining('/nonexistent/weights.safetensors'),
    });
  });
});

describe('native addon: tensors and the seeded generator', () => {
  it('reads golden files (F32, I64, U8) and seeded randn equals PyTorch CPU generator', async () => {
    const dir = path.join(fixturesDir(), 'golden', 'sd15-tiny');
    const json = JSON.parse(readFileSync(path.join(dir, 'astronaut_pndm10.json'), 'utf8')) as {
      inputs: { seed: number };
    };
    const golden = await tensors.load(path.join(dir, 'astronaut_pndm10.safetensors'));
    const expected = golden.randn_torch_cpu_generator!;
    expect(expected.dtype).toBe('float32');
    expect(golden.image_uint8!.dtype).toBe('uint8');
    expect(golden.timesteps!.dtype).toBe('int64');
    const ours = await diagnostics.randn(expected.shape, json.inputs.seed);
    expect(ours.shape).toEqual(expected.shape);
    expect(Array.from(ours.data as Float32Array)).toEqual(Array.from(expected.data as Float32Array));
  });

  it('saves and loads tensors round trip', async () => {
    const file = path.join(process.env.TMPDIR ?? '/tmp', `ppbench-roundtrip-${process.pid}.safetensors`);
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    await tensors.save(file, { x: { dtype: 'float32', shape: [2, 3], data } });
    const back = await tensors.load(file);
    expect(back.x!.shape).toEqual([2, 3]);
    expect(Array.from(back.x!.data as Float32Array)).toEqual(Array.from(data));
  });
});
