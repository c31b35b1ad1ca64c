/* The LAION improved aesthetic predictor. */
import { Builder, type TensorSpec } from './builder.js';

/** Hidden widths of the predictor's Linear layers (layers.0/2/4/6/7; dropouts between carry no weights). */
export const AESTHETIC_HIDDEN = [1024, 128, 64, 16] as const;
const AESTHETIC_LAYER_INDEX = [0, 2, 4, 6, 7] as const;

/**
 * The MLP state dict for a given input width (768 for the real predictor, the CLIP projection_dim
 * for the demo). The last bias starts at `outputBias` so demo scores sit on the real 1..10 scale.
 */
export function aestheticStateDict(inputDim: number, outputBias = 0): TensorSpec[] {
  const b = new Builder();
  const dims = [inputDim, ...AESTHETIC_HIDDEN, 1];
  for (let k = 0; k < AESTHETIC_LAYER_INDEX.length; k++) {
    const p = `layers.${AESTHETIC_LAYER_INDEX[k]}`;
    b.add(`${p}.weight`, [dims[k + 1]!, dims[k]!], { kind: 'normal', std: 1 / Math.sqrt(dims[k]!) });
    b.add(`${p}.bias`, [dims[k + 1]!], { kind: 'const', value: k === AESTHETIC_LAYER_INDEX.length - 1 ? outputBias : 0 });
  }
  return b.specs;
}
