/*
 * State-dict layouts (tensor names and shapes) computed from a config, by the same rules as
 * diffusers v0.30.3 (UNet2DConditionModel, AutoencoderKL) and transformers (CLIPTextModel,
 * CLIPTextModelWithProjection, CLIPModel), plus the LAION aesthetic MLP. test/demo checks them
 * against the real-size manifests of spec/manifests for every real config. Each entry also says
 * how the demo generator initialises it.
 */
import type { JsonObject, JsonValue } from './json.js';

/** How a demo weight is filled: N(0, std²), or a constant. */
export type TensorInit = { kind: 'normal'; std: number } | { kind: 'const'; value: number };

export interface TensorSpec {
  name: string;
  shape: number[];
  init: TensorInit;
}

export class StateDictConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateDictConfigError';
  }
}

class Builder {
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

// ---------------------------------------------------------------------------------------------
// Config access

function get(config: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(config, key) ? config[key] : undefined;
}

function int(config: JsonObject, key: string, fallback?: number): number {
  const v = get(config, key);
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new StateDictConfigError(`config key "${key}" is missing`);
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new StateDictConfigError(`config key "${key}" must be an integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

function optInt(config: JsonObject, key: string): number | null {
  const v = get(config, key);
  return v === undefined || v === null ? null : int(config, key);
}

function str(config: JsonObject, key: string, fallback: string | null): string | null {
  const v = get(config, key);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') throw new StateDictConfigError(`config key "${key}" must be a string`);
  return v;
}

function bool(config: JsonObject, key: string, fallback: boolean): boolean {
  const v = get(config, key);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new StateDictConfigError(`config key "${key}" must be a boolean`);
  return v;
}

function strList(config: JsonObject, key: string): string[] {
  const v = get(config, key);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new StateDictConfigError(`config key "${key}" must be a list of strings`);
  }
  return v as string[];
}

function intList(config: JsonObject, key: string): number[] {
  const v = get(config, key);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x))) {
    throw new StateDictConfigError(`config key "${key}" must be a list of integers`);
  }
  return v as number[];
}

/** An int or a per-block list of ints (diffusers broadcasts ints). */
function perBlock(config: JsonObject, key: string, n: number, fallback: number | null): Array<number | null> {
  const v = get(config, key);
  if (v === undefined || v === null) return Array<number | null>(n).fill(fallback);
  if (typeof v === 'number') return Array<number>(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')) return v as number[];
  throw new StateDictConfigError(`config key "${key}" must be an integer or a list of ${n} integers`);
}

/** transformer_layers_per_block entries: an int (broadcast to every layer of the block) or a per-layer list. */
type LayerDepths = number | number[];

function depthsPerBlock(value: JsonValue | undefined, n: number, key: string): LayerDepths[] {
  if (value === undefined || value === null) return Array<number>(n).fill(1);
  if (typeof value === 'number') return Array<number>(n).fill(value);
  if (Array.isArray(value) && value.length === n) {
    return value.map((x) => {
      if (typeof x === 'number') return x;
      if (Array.isArray(x) && x.every((y) => typeof y === 'number')) return x as number[];
      throw new StateDictConfigError(`config key "${key}": entries must be integers or lists of integers`);
    });
  }
  throw new StateDictConfigError(`config key "${key}" must be an integer or a list of ${n} entries`);
}

function depthOf(depths: LayerDepths, layer: number, numLayers: number, what: string): number {
  if (typeof depths === 'number') return depths;
  if (depths.length !== numLayers) throw new StateDictConfigError(`${what}: ${depths.length} transformer depths for ${numLayers} layers`);
  return depths[layer]!;
}

// ---------------------------------------------------------------------------------------------
// diffusers building blocks

/** ResnetBlock2D (resnet_time_scale_shift "default"). */
function resnet(b: Builder, p: string, inC: number, outC: number, temb: number | null): void {
  b.norm(`${p}.norm1`, inC);
  b.conv(`${p}.conv1`, inC, outC, 3);
  if (temb !== null) b.linear(`${p}.time_emb_proj`, temb, outC);
  b.norm(`${p}.norm2`, outC);
  b.conv(`${p}.conv2`, outC, outC, 3);
  if (inC !== outC) b.conv(`${p}.conv_shortcut`, inC, outC, 1);
}

interface TransformerOptions {
  heads: number;
  headDim: number;
  inChannels: number;
  depth: number;
  crossAttentionDim: number;
  useLinearProjection: boolean;
}

/** Transformer2DModel (continuous input) with BasicTransformerBlocks (GEGLU feed-forward). */
function transformer2d(b: Builder, p: string, o: TransformerOptions): void {
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

// ---------------------------------------------------------------------------------------------
// UNet2DConditionModel

const DOWN_BLOCKS = new Set(['DownBlock2D', 'CrossAttnDownBlock2D']);
const UP_BLOCKS = new Set(['UpBlock2D', 'CrossAttnUpBlock2D']);

/** Tensor names/shapes of diffusers' UNet2DConditionModel for `config` (the subset of options our models use). */
export function unetStateDict(config: JsonObject): TensorSpec[] {
  const b = new Builder();
  const channels = intList(config, 'block_out_channels');
  const downTypes = strList(config, 'down_block_types');
  const upTypes = strList(config, 'up_block_types');
  const n = channels.length;
  if (downTypes.length !== n || upTypes.length !== n) throw new StateDictConfigError('block type lists must match block_out_channels');
  for (const t of downTypes) if (!DOWN_BLOCKS.has(t)) throw new StateDictConfigError(`unsupported down block ${t}`);
  for (const t of upTypes) if (!UP_BLOCKS.has(t)) throw new StateDictConfigError(`unsupported up block ${t}`);
  for (const key of ['class_embed_type', 'encoder_hid_dim', 'encoder_hid_dim_type', 'time_cond_proj_dim', 'num_class_embeds']) {
    const v = get(config, key);
    if (v !== undefined && v !== null) throw new StateDictConfigError(`unsupported config key "${key}" = ${JSON.stringify(v)}`);
  }
  if (bool(config, 'dual_cross_attention', false) || bool(config, 'only_cross_attention', false)) {
    throw new StateDictConfigError('dual_cross_attention / only_cross_attention are not supported');
  }
  if (bool(config, 'class_embeddings_concat', false)) throw new StateDictConfigError('class_embeddings_concat is not supported');
  if (str(config, 'resnet_time_scale_shift', 'default') !== 'default') {
    throw new StateDictConfigError('only resnet_time_scale_shift "default" is supported');
  }
  if (str(config, 'time_embedding_type', 'positional') !== 'positional') {
    throw new StateDictConfigError('only positional time embeddings are supported');
  }

  const inChannels = int(config, 'in_channels', 4);
  const outChannels = int(config, 'out_channels', 4);
  const convInK = int(config, 'conv_in_kernel', 3);
  const convOutK = int(config, 'conv_out_kernel', 3);
  const layersPerBlock = perBlock(config, 'layers_per_block', n, 2) as number[];
  const crossDims = perBlock(config, 'cross_attention_dim', n, 1280) as number[];
  // diffusers: num_attention_heads = num_attention_heads or attention_head_dim (the historical naming quirk).
  const headsRaw = get(config, 'num_attention_heads') ?? get(config, 'attention_head_dim') ?? 8;
  const heads = perBlock({ h: headsRaw }, 'h', n, 8) as number[];
  const useLinear = bool(config, 'use_linear_projection', false);
  const depths = depthsPerBlock(get(config, 'transformer_layers_per_block'), n, 'transformer_layers_per_block');
  const reverseRaw = get(config, 'reverse_transformer_layers_per_block');
  const reverseDepths =
    reverseRaw === undefined || reverseRaw === null
      ? [...depths].reverse()
      : depthsPerBlock(reverseRaw, n, 'reverse_transformer_layers_per_block');

  const c0 = channels[0]!;
  const temb = optInt(config, 'time_embedding_dim') ?? c0 * 4;
  b.conv('conv_in', inChannels, c0, convInK);
  b.linear('time_embedding.linear_1', c0, temb);
  b.linear('time_embedding.linear_2', temb, temb);

  const addition = str(config, 'addition_embed_type', null);
  if (addition === 'text_time') {
    const pcid = int(config, 'projection_class_embeddings_input_dim');
    b.linear('add_embedding.linear_1', pcid, temb);
    b.linear('add_embedding.linear_2', temb, temb);
  } else if (addition !== null) {
    throw new StateDictConfigError(`unsupported addition_embed_type "${addition}"`);
  }

  let outC = c0;
  for (let i = 0; i < n; i++) {
    const inC = outC;
    outC = channels[i]!;
    const p = `down_blocks.${i}`;
    const numLayers = layersPerBlock[i]!;
    for (let j = 0; j < numLayers; j++) {
      resnet(b, `${p}.resnets.${j}`, j === 0 ? inC : outC, outC, temb);
      if (downTypes[i] === 'CrossAttnDownBlock2D') {
        transformer2d(b, `${p}.attentions.${j}`, {
          heads: heads[i]!,
          headDim: Math.floor(outC / heads[i]!),
          inChannels: outC,
          depth: depthOf(depths[i]!, j, numLayers, `down block ${i}`),
          crossAttentionDim: crossDims[i]!,
          useLinearProjection: useLinear,
        });
      }
    }
    if (i < n - 1) b.conv(`${p}.downsamplers.0.conv`, outC, outC, 3);
  }

  const midType = str(config, 'mid_block_type', 'UNetMidBlock2DCrossAttn');
  const cLast = channels[n - 1]!;
  if (midType === 'UNetMidBlock2DCrossAttn') {
    resnet(b, 'mid_block.resnets.0', cLast, cLast, temb);
    const lastDepth = depths[n - 1]!;
    transformer2d(b, 'mid_block.attentions.0', {
      heads: heads[n - 1]!,
      headDim: Math.floor(cLast / heads[n - 1]!),
      inChannels: cLast,
      depth: typeof lastDepth === 'number' ? lastDepth : depthOf(lastDepth, 0, 1, 'mid block'),
      crossAttentionDim: crossDims[n - 1]!,
      useLinearProjection: useLinear,
    });
    resnet(b, 'mid_block.resnets.1', cLast, cLast, temb);
  } else if (midType === 'UNetMidBlock2D') {
    // get_mid_block builds it with num_layers=0 and no attention: a single ResNet.
    resnet(b, 'mid_block.resnets.0', cLast, cLast, temb);
  } else if (midType !== null) {
    throw new StateDictConfigError(`unsupported mid_block_type "${midType}"`);
  }

  const rc = [...channels].reverse();
  const rHeads = [...heads].reverse();
  const rLayers = [...layersPerBlock].reverse();
  const rCross = [...crossDims].reverse();
  outC = rc[0]!;
  for (let i = 0; i < n; i++) {
    const prevOut = outC;
    outC = rc[i]!;
    const inC = rc[Math.min(i + 1, n - 1)]!;
    const p = `up_blocks.${i}`;
    const numLayers = rLayers[i]! + 1;
    for (let j = 0; j < numLayers; j++) {
      const skip = j === numLayers - 1 ? inC : outC;
      const resIn = j === 0 ? prevOut : outC;
      resnet(b, `${p}.resnets.${j}`, resIn + skip, outC, temb);
      if (upTypes[i] === 'CrossAttnUpBlock2D') {
        transformer2d(b, `${p}.attentions.${j}`, {
          heads: rHeads[i]!,
          headDim: Math.floor(outC / rHeads[i]!),
          inChannels: outC,
          depth: depthOf(reverseDepths[i]!, j, numLayers, `up block ${i}`),
          crossAttentionDim: rCross[i]!,
          useLinearProjection: useLinear,
        });
      }
    }
    if (i < n - 1) b.conv(`${p}.upsamplers.0.conv`, outC, outC, 3);
  }

  if (get(config, 'norm_num_groups') !== null) b.norm('conv_norm_out', c0);
  b.conv('conv_out', c0, outChannels, convOutK);
  return b.specs;
}

// ---------------------------------------------------------------------------------------------
// AutoencoderKL

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

// ---------------------------------------------------------------------------------------------
// transformers CLIP

/** Standard deviations of the demo embeddings (O(1) so that prompts matter after the pre-LN layers). */
const TOKEN_EMBEDDING_STD = 1;
const POSITION_EMBEDDING_STD = 0.2;

function clipEncoderLayers(b: Builder, p: string, hidden: number, intermediate: number, layers: number): void {
  for (let l = 0; l < layers; l++) {
    const q = `${p}.encoder.layers.${l}`;
    for (const proj of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) b.linear(`${q}.self_attn.${proj}`, hidden, hidden);
    b.norm(`${q}.layer_norm1`, hidden);
    b.linear(`${q}.mlp.fc1`, hidden, intermediate);
    b.linear(`${q}.mlp.fc2`, intermediate, hidden);
    b.norm(`${q}.layer_norm2`, hidden);
  }
}

function clipTextTower(b: Builder, text: JsonObject): number {
  const hidden = int(text, 'hidden_size');
  b.add('text_model.embeddings.token_embedding.weight', [int(text, 'vocab_size'), hidden], { kind: 'normal', std: TOKEN_EMBEDDING_STD });
  b.add('text_model.embeddings.position_embedding.weight', [int(text, 'max_position_embeddings', 77), hidden], {
    kind: 'normal',
    std: POSITION_EMBEDDING_STD,
  });
  clipEncoderLayers(b, 'text_model', hidden, int(text, 'intermediate_size'), int(text, 'num_hidden_layers'));
  b.norm('text_model.final_layer_norm', hidden);
  return hidden;
}

/**
 * transformers CLIPTextModel (`withProjection: false`) or CLIPTextModelWithProjection; the choice
 * defaults to the config's `architectures` entry.
 */
export function clipTextStateDict(config: JsonObject, options: { withProjection?: boolean } = {}): TensorSpec[] {
  const b = new Builder();
  const hidden = clipTextTower(b, config);
  const arch = get(config, 'architectures');
  const withProjection = options.withProjection ?? (Array.isArray(arch) && arch.includes('CLIPTextModelWithProjection'));
  if (withProjection) b.linear('text_projection', hidden, int(config, 'projection_dim'), false);
  return b.specs;
}

/** transformers CLIPModel (text + vision towers, both projections, logit_scale). */
export function clipModelStateDict(config: JsonObject): TensorSpec[] {
  const b = new Builder();
  const text = get(config, 'text_config');
  const vision = get(config, 'vision_config');
  if (!text || typeof text !== 'object' || Array.isArray(text) || !vision || typeof vision !== 'object' || Array.isArray(vision)) {
    throw new StateDictConfigError('CLIPModel config needs text_config and vision_config objects');
  }
  const projection = int(config, 'projection_dim');
  const logitScale = typeof config.logit_scale_init_value === 'number' ? config.logit_scale_init_value : 2.6592;
  b.add('logit_scale', [], { kind: 'const', value: logitScale });
  const textHidden = clipTextTower(b, text);
  const vHidden = int(vision, 'hidden_size');
  const patch = int(vision, 'patch_size');
  const image = int(vision, 'image_size');
  const channels = int(vision, 'num_channels', 3);
  const positions = (image / patch) ** 2 + 1;
  if (!Number.isInteger(positions)) throw new StateDictConfigError('image_size must be a multiple of patch_size');
  b.add('vision_model.embeddings.class_embedding', [vHidden], { kind: 'normal', std: 1 });
  b.add('vision_model.embeddings.patch_embedding.weight', [vHidden, channels, patch, patch], {
    kind: 'normal',
    std: 1 / Math.sqrt(channels * patch * patch),
  });
  b.add('vision_model.embeddings.position_embedding.weight', [positions, vHidden], { kind: 'normal', std: POSITION_EMBEDDING_STD });
  b.norm('vision_model.pre_layrnorm', vHidden);
  clipEncoderLayers(b, 'vision_model', vHidden, int(vision, 'intermediate_size'), int(vision, 'num_hidden_layers'));
  b.norm('vision_model.post_layernorm', vHidden);
  b.linear('visual_projection', vHidden, projection, false);
  b.linear('text_projection', textHidden, projection, false);
  return b.specs;
}

// ---------------------------------------------------------------------------------------------
// LAION improved aesthetic predictor

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

/** Number of scalars in a layout. */
export function countElements(specs: readonly TensorSpec[]): number {
  return specs.reduce((sum, s) => sum + s.shape.reduce((a, d) => a * d, 1), 0);
}
