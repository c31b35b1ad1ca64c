/** What a user asks for; `undefined` (absent) and "" are different things and stay distinct. */
export interface PromptInputs {
  prompt: string;
  prompt2?: string;
  negativePrompt?: string;
  negativePrompt2?: string;
}

export interface PromptTexts {
  /** Text per text encoder (1 for SD 1/2, 2 for the SDXL family). */
  prompt: string[];
  /** Text per encoder for the unconditional branch; null = zero embeddings (SDXL) or no CFG. */
  negative: string[] | null;
}

/**
 * Which text each tokenizer receives, exactly as diffusers 0.30.3 `encode_prompt` (batch 1):
 * `prompt_2` absent or "" → prompt; `negative_prompt_2` absent or "" → negative_prompt;
 * SD 1/2 without a negative encode ""; the SDXL family without `negative_prompt` uses zero
 * embeddings when `force_zeros_for_empty_prompt` (even if `negative_prompt_2` is given).
 */
export function promptTexts(
  inputs: PromptInputs,
  model: { textEncoders: number; forceZerosForEmptyPrompt: boolean },
  classifierFreeGuidance: boolean,
): PromptTexts {
  const dual = model.textEncoders === 2;
  const prompt = dual ? [inputs.prompt, inputs.prompt2 || inputs.prompt] : [inputs.prompt];
  if (!classifierFreeGuidance) return { prompt, negative: null };
  if (dual && inputs.negativePrompt === undefined && model.forceZerosForEmptyPrompt) return { prompt, negative: null };
  const negative = inputs.negativePrompt ?? '';
  return { prompt, negative: dual ? [negative, inputs.negativePrompt2 || negative] : [negative] };
}

/** diffusers applies classifier-free guidance iff guidance_scale > 1. */
export const usesClassifierFreeGuidance = (guidance: number): boolean => guidance > 1;
