/** One file of a Hub repo, as the Hub's file listing gives it. */
export interface RepoFile {
  path: string;
  size: number;
  /** git blob id (sha1) of the file as stored in git; for LFS files, of the pointer. */
  blobId: string;
  /** Present for LFS files: the content's sha256 and size. */
  lfs?: { sha256: string; size: number };
}

/** The components of a diffusers pipeline the engine loads (model_index.json names them). */
const PIPELINE_COMPONENTS = new Set(['text_encoder', 'text_encoder_2', 'tokenizer', 'tokenizer_2', 'unet', 'vae', 'scheduler']);

const isConfig = (name: string): boolean => name.endsWith('.json') || name.endsWith('.txt');

/** `model.safetensors`, `model-00001-of-00002.safetensors` and their indexes, without a variant. */
const PLAIN_WEIGHTS = /^[^.]+\.safetensors(\.index\.json)?$/;
/** The same with the fp16 variant: `model.fp16.safetensors`, `model.safetensors.index.fp16.json`. */
const FP16_WEIGHTS = /^[^.]+(\.fp16\.safetensors|\.safetensors\.index\.fp16\.json)$/;

/**
 * The files of a diffusers pipeline repo that the engine reads (MODELS.md §4): model_index.json,
 * the configs and tokenizer files of the components it loads, and their safetensors weights in
 * the wanted variant (fp16 where the component has it, else the plain files). Everything else
 * (single-file checkpoints, .bin, flax, ONNX, OpenVINO, non-EMA weights, the safety checker) is
 * left on the Hub.
 */
export function selectPipelineFiles(files: readonly RepoFile[], components: readonly string[], variant: 'fp16' | null): RepoFile[] {
  const wanted = new Set(components.filter((c) => PIPELINE_COMPONENTS.has(c)));
  const byFolder = new Map<string, RepoFile[]>();
  for (const f of files) {
    const slash = f.path.indexOf('/');
    if (slash < 0 || f.path.indexOf('/', slash + 1) >= 0) continue;
    const folder = f.path.slice(0, slash);
    if (wanted.has(folder)) byFolder.set(folder, [...(byFolder.get(folder) ?? []), f]);
  }
  const selected = files.filter((f) => f.path === 'model_index.json');
  for (const folderFiles of byFolder.values()) {
    const name = (f: RepoFile): string => f.path.slice(f.path.indexOf('/') + 1);
    const fp16 = folderFiles.filter((f) => FP16_WEIGHTS.test(name(f)));
    const weights = variant === 'fp16' && fp16.some((f) => f.path.endsWith('.safetensors')) ? fp16 : folderFiles.filter((f) => PLAIN_WEIGHTS.test(name(f)));
    const configs = folderFiles.filter((f) => isConfig(name(f)) && !weights.includes(f) && !FP16_WEIGHTS.test(name(f)) && !PLAIN_WEIGHTS.test(name(f)));
    selected.push(...configs, ...weights);
  }
  return selected.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * A transformers CLIPModel repo (the scoring CLIP): its configs, tokenizer files and the
 * safetensors weights; not the PyTorch .bin, TensorFlow or Flax copies.
 */
export function selectClipFiles(files: readonly RepoFile[]): RepoFile[] {
  return files
    .filter((f) => !f.path.includes('/') && (isConfig(f.path) || PLAIN_WEIGHTS.test(f.path)))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * A transformers CLIPModel repo whose weights may exist only as `pytorch_model.bin` (older repos such
 * as PickScore_v1): like {@link selectClipFiles}, plus the .bin when the repo has no safetensors weights
 * (the engine reads it with its restricted unpickler).
 */
export function selectClipModelFiles(files: readonly RepoFile[]): RepoFile[] {
  const selected = selectClipFiles(files);
  if (selected.some((f) => f.path.endsWith('.safetensors'))) return selected;
  const bin = files.find((f) => f.path === 'pytorch_model.bin');
  return (bin ? [...selected, bin] : selected).sort((a, b) => a.path.localeCompare(b.path));
}

/** What the CLIP image processor and tokenizer read; a processor-only fetch takes nothing else (no weights). */
const PROCESSOR_FILES = new Set([
  'preprocessor_config.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.json',
  'merges.txt',
  'tokenizer.json',
]);

/** Only the processor files of a CLIP repo (PickScore's processor from laion/CLIP-ViT-H-14-laion2B-s32B-b79K). */
export function selectProcessorFiles(files: readonly RepoFile[]): RepoFile[] {
  return files.filter((f) => PROCESSOR_FILES.has(f.path)).sort((a, b) => a.path.localeCompare(b.path));
}

/** Bytes on disk once fetched (LFS files: the content, not the pointer). */
export const contentSize = (f: RepoFile): number => f.lfs?.size ?? f.size;
