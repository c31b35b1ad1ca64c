/*
 * State-dict layouts (tensor names and shapes) computed from a config, by the same rules as
 * diffusers v0.30.3 (UNet2DConditionModel, AutoencoderKL) and transformers (CLIPTextModel,
 * CLIPTextModelWithProjection, CLIPModel), plus the LAION aesthetic MLP. test/demo checks them
 * against the real-size manifests of spec/manifests for every real config. Each entry also says
 * how the demo generator initialises it.
 */
export { AESTHETIC_HIDDEN, aestheticStateDict } from './aesthetic.js';
export { countElements, type TensorInit, type TensorSpec } from './builder.js';
export { clipModelStateDict, clipTextStateDict } from './clip.js';
export { StateDictConfigError } from './errors.js';
export { unetStateDict } from './unet.js';
export { vaeStateDict } from './vae.js';
