export { ClipTokenizer, type ClipEncoding } from './clip-tokenizer.js';
export { loadPipelineTokenizers, TOKENIZER_COMPONENTS } from './pipeline-tokenizers.js';
export { TokenizerLoadError } from './errors.js';
export { readTokenizerFiles, type TokenizerFiles } from './tokenizer-files.js';
export type { SpecialToken, SpecialTokenRole, SpecialTokens } from './special-tokens.js';
