/* diffusers building blocks shared by the UNet and the VAE. */
import type { Builder } from './builder.js';

/** ResnetBlock2D (resnet_time_scale_shift "default"). */
export function resnet(b: Builder, p: string, inC: number, outC: number, temb: number | null): void {
  b.norm(`${p}.norm1`, inC);
  b.conv(`${p}.conv1`, inC, outC, 3);
  if (temb !== null) b.linear(`${p}.time_emb_proj`, temb, outC);
  b.norm(`${p}.norm2`, outC);
  b.conv(`${p}.conv2`, outC, outC, 3);
  if (inC !== outC) b.conv(`${p}.conv_shortcut`, inC, outC, 1);
}

export interface TransformerOptions {
  heads: number;
  headDim: number;
  inChannels: number;
  depth: number;
  crossAttentionDim: number;
  useLinearProjection: boolean;
}

/** Transformer2DModel (continuous input) with BasicTransformerBlocks (GEGLU feed-forward). */
export function transformer2d(b: Builder, p: string, o: TransformerOptions): void {
  const inner = o.heads * o.headDim;
  b.norm(`${p}.norm`, o.inChannels);
  if (o.useLinearProjection) b.linear(`${p}.proj_in`, o.inChannels, inner);
  else b.conv(`${p}.proj_in`, o.inChannels, inner, 1);
  for (let d = 0; d < o.depth; d++) {
    const t = `${p}.transformer_blocks.${d}`;
    b.norm(`${t}.norm1`, inner);
    attention(b, `${t}.attn1`, inner, inner, inner);
    b.norm(`${t}.norm2`, inner);
    attention(b, `${t}.attn2`, inner, o.crossAttentionDim, inner);
    b.norm(`${t}.norm3`, inner);
    b.linear(`${t}.ff.net.0.proj`, inner, inner * 4 * 2);
    b.linear(`${t}.ff.net.2`, inner * 4, inner);
  }
  if (o.useLinearProjection) b.linear(`${p}.proj_out`, inner, o.inChannels);
  else b.conv(`${p}.proj_out`, inner, o.inChannels, 1);
}

/** diffusers Attention with bias=False on q/k/v and a biased output projection. */
function attention(b: Builder, p: string, queryDim: number, kvDim: number, inner: number): void {
  b.linear(`${p}.to_q`, queryDim, inner, false);
  b.linear(`${p}.to_k`, kvDim, inner, false);
  b.linear(`${p}.to_v`, kvDim, inner, false);
  b.linear(`${p}.to_out.0`, inner, queryDim);
}
