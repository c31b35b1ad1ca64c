/* diffusers UNet2DConditionModel. */
import type { JsonObject } from '../json.js';
import { Builder, type TensorSpec } from './builder.js';
import { bool, depthOf, depthsPerBlock, get, int, intList, optInt, perBlock, str, strList } from './config-readers.js';
import { StateDictConfigError } from './errors.js';
import { resnet, transformer2d } from './layers.js';

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
