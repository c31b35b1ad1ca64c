/* diffusers AutoencoderKL. */
import type { JsonObject } from '../json.js';
import { Builder, type TensorSpec } from './builder.js';
import { bool, int, intList, strList } from './config-readers.js';
import { StateDictConfigError } from './errors.js';
import { resnet } from './layers.js';

/** VAE mid block (UNetMidBlock2D, one attention, no time embedding). */
function vaeMidBlock(b: Builder, p: string, c: number, withAttention: boolean): void {
  resnet(b, `${p}.resnets.0`, c, c, null);
  if (withAttention) {
    b.norm(`${p}.attentions.0.group_norm`, c);
    for (const proj of ['to_q', 'to_k', 'to_v', 'to_out.0']) b.linear(`${p}.attentions.0.${proj}`, c, c);
  }
  resnet(b, `${p}.resnets.1`, c, c, null);
}

/** Tensor names/shapes of diffusers' AutoencoderKL; `encoder: false` leaves out encoder.* and quant_conv.*. */
export function vaeStateDict(config: JsonObject, options: { encoder?: boolean } = {}): TensorSpec[] {
  const b = new Builder();
  const channels = intList(config, 'block_out_channels');
  const n = channels.length;
  const downTypes = strList(config, 'down_block_types');
  const upTypes = strList(config, 'up_block_types');
  if (downTypes.some((t) => t !== 'DownEncoderBlock2D') || upTypes.some((t) => t !== 'UpDecoderBlock2D')) {
    throw new StateDictConfigError('only DownEncoderBlock2D / UpDecoderBlock2D VAEs are supported');
  }
  const inChannels = int(config, 'in_channels', 3);
  const outChannels = int(config, 'out_channels', 3);
  const latent = int(config, 'latent_channels', 4);
  const lpb = int(config, 'layers_per_block', 1);
  const midAttention = bool(config, 'mid_block_add_attention', true);
  const cLast = channels[n - 1]!;

  if (options.encoder !== false) {
    b.conv('encoder.conv_in', inChannels, channels[0]!, 3);
    let outC = channels[0]!;
    for (let i = 0; i < n; i++) {
      const inC = outC;
      outC = channels[i]!;
      for (let j = 0; j < lpb; j++) resnet(b, `encoder.down_blocks.${i}.resnets.${j}`, j === 0 ? inC : outC, outC, null);
      if (i < n - 1) b.conv(`encoder.down_blocks.${i}.downsamplers.0.conv`, outC, outC, 3);
    }
    vaeMidBlock(b, 'encoder.mid_block', cLast, midAttention);
    b.norm('encoder.conv_norm_out', cLast);
    b.conv('encoder.conv_out', cLast, 2 * latent, 3);
    if (bool(config, 'use_quant_conv', true)) b.conv('quant_conv', 2 * latent, 2 * latent, 1);
  }

  if (bool(config, 'use_post_quant_conv', true)) b.conv('post_quant_conv', latent, latent, 1);
  b.conv('decoder.conv_in', latent, cLast, 3);
  vaeMidBlock(b, 'decoder.mid_block', cLast, midAttention);
  const rc = [...channels].reverse();
  let outC = rc[0]!;
  for (let i = 0; i < n; i++) {
    const inC = outC;
    outC = rc[i]!;
    for (let j = 0; j <= lpb; j++) resnet(b, `decoder.up_blocks.${i}.resnets.${j}`, j === 0 ? inC : outC, outC, null);
    if (i < n - 1) b.conv(`decoder.up_blocks.${i}.upsamplers.0.conv`, outC, outC, 3);
  }
  b.norm('decoder.conv_norm_out', channels[0]!);
  b.conv('decoder.conv_out', channels[0]!, outChannels, 3);
  return b.specs;
}
