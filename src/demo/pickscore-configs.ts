/* The demo PickScore: a CLIPModel shaped like PickScore_v1 (exact gelu, legacy eos_token_id 2), tiny. */
import { cloneJson, type JsonObject } from './json.js';
import { clipTokenizerConfigs, tinyClipConfigs } from './tiny-configs.js';

/** PickScore_v1's logit_scale (exp = 100.0). */
const PICKSCORE_LOGIT_SCALE = 4.6052;

/**
 * The demo CLIP's config with PickScore_v1's differences from openai/clip-vit-large-patch14: exact-erf
 * `gelu` in both towers, legacy `eos_token_id` 2 (pooling at the highest id, where the demo EOS sits),
 * one more vision layer and `logit_scale` 4.6052; the processor (CLIP preprocessing and tokenizer with
 * pad token "!", as laion's CLIP-H) is a separate folder, as on the Hub.
 */
export function tinyPickScoreConfigs(vocabSize: number): {
  config: JsonObject;
  preprocessorConfig: JsonObject;
  tokenizer: { config: JsonObject; specialTokensMap: JsonObject };
} {
  const clip = tinyClipConfigs(vocabSize);
  const config = cloneJson(clip.config);
  config.logit_scale_init_value = PICKSCORE_LOGIT_SCALE;
  const text = config.text_config as JsonObject;
  text.hidden_act = 'gelu';
  text.eos_token_id = 2;
  const vision = config.vision_config as JsonObject;
  vision.hidden_act = 'gelu';
  vision.num_hidden_layers = (vision.num_hidden_layers as number) + 1;
  const tokenizer = clipTokenizerConfigs();
  tokenizer.config.pad_token = '!';
  tokenizer.specialTokensMap.pad_token = '!';
  return { config, preprocessorConfig: clip.preprocessorConfig, tokenizer };
}
