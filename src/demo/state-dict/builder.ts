/* A state-dict layout as a list of tensor specs, and the Builder that appends nn.Linear / Conv2d / norm entries to one. */
import { StateDictConfigError } from './errors.js';

/** How a demo weight is filled: N(0, std²), or a constant. */
export type TensorInit = { kind: 'normal'; std: number } | { kind: 'const'; value: number };

export interface TensorSpec {
  name: string;
  shape: number[];
  init: TensorInit;
}

export class Builder {
  readonly specs: TensorSpec[] = [];

  add(name: string, shape: number[], init: TensorInit): void {
    for (const d of shape) if (!Number.isInteger(d) || d <= 0) throw new StateDictConfigError(`${name}: bad shape [${shape}]`);
    this.specs.push({ name, shape, init });
  }

  /** nn.Linear(in, out): weight [out, in] ~ N(0, 1/in), bias zeros. */
  linear(prefix: string, inF: number, outF: number, bias = true): void {
    this.add(`${prefix}.weight`, [outF, inF], { kind: 'normal', std: 1 / Math.sqrt(inF) });
    if (bias) this.add(`${prefix}.bias`, [outF], { kind: 'const', value: 0 });
  }

  /** nn.Conv2d(in, out, k): weight [out, in, k, k] ~ N(0, 1/(in·k²)), bias zeros. */
  conv(prefix: string, inC: number, outC: number, k: number, bias = true): void {
    this.add(`${prefix}.weight`, [outC, inC, k, k], { kind: 'normal', std: 1 / Math.sqrt(inC * k * k) });
    if (bias) this.add(`${prefix}.bias`, [outC], { kind: 'const', value: 0 });
  }

  /** GroupNorm / LayerNorm with affine parameters: ones and zeros. */
  norm(prefix: string, c: number): void {
    this.add(`${prefix}.weight`, [c], { kind: 'const', value: 1 });
    this.add(`${prefix}.bias`, [c], { kind: 'const', value: 0 });
  }
}

/** Number of scalars in a layout. */
export function countElements(specs: readonly TensorSpec[]): number {
  return specs.reduce((sum, s) => sum + s.shape.reduce((a, d) => a * d, 1), 0);
}
