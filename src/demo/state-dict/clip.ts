/* transformers CLIP: CLIPTextModel, CLIPTextModelWithProjection and CLIPModel. */
import type { JsonObject } from '../json.js';
import { Builder, type TensorSpec } from './builder.js';
import { get, int } from './config-readers.js';
import { StateDictConfigError } from './errors.js';

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
