import { describe, expect, it } from 'vitest';
import { selectClipFiles, selectPipelineFiles, type RepoFile } from '../../src/prefetch/index.js';
import { realComponents, realRepoFiles } from './helpers/files-tsv.js';

const weightBytes = (files: RepoFile[]): number =>
  files.filter((f) => f.path.endsWith('.safetensors')).reduce((sum, f) => sum + (f.lfs?.size ?? f.size), 0);

const TOKENIZER = ['merges.txt', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.json'];

describe('which files of a real repo are fetched (spec FILES.tsv listings)', () => {
  it('sdxl-base, fp16: configs, both tokenizers and exactly the fp16 set of MODELS.md §4', () => {
    const picked = selectPipelineFiles(realRepoFiles('sdxl-base'), realComponents('sdxl-base'), 'fp16');
    expect(picked.map((f) => f.path)).toEqual(
      [
        'model_index.json',
        'scheduler/scheduler_config.json',
        'text_encoder/config.json',
        'text_encoder/model.fp16.safetensors',
        'text_encoder_2/config.json',
        'text_encoder_2/model.fp16.safetensors',
        ...TOKENIZER.map((f) => `tokenizer/${f}`),
        ...TOKENIZER.map((f) => `tokenizer_2/${f}`),
        'unet/config.json',
        'unet/diffusion_pytorch_model.fp16.safetensors',
        'vae/config.json',
        'vae/diffusion_pytorch_model.fp16.safetensors',
      ].sort((a, b) => a.localeCompare(b)),
    );
    // "fp16 set total (unet+te+te2+vae)": 6,938,011,430 bytes, not the 13.9 GB fp32 set or the 6.9 GB single files.
    expect(weightBytes(picked)).toBe(6_938_011_430);
  });

  it('sd15, fp16: no safety checker, feature extractor, single-file checkpoints, .bin or non-EMA weights', () => {
    const picked = selectPipelineFiles(realRepoFiles('sd15'), realComponents('sd15'), 'fp16');
    expect(weightBytes(picked)).toBe(2_132_605_510);
    expect(picked.filter((f) => /safety_checker|feature_extractor|\.bin$|non_ema|\.ckpt$|^[^/]+\.safetensors$/.test(f.path))).toEqual([]);
    expect(picked.filter((f) => f.path.startsWith('tokenizer/')).map((f) => f.path.slice(10))).toEqual(TOKENIZER);
  });

  it('sd21 (no fp16 files in the repo): the plain safetensors, the fp32 set of MODELS.md §4', () => {
    const picked = selectPipelineFiles(realRepoFiles('sd21'), realComponents('sd21'), null);
    expect(weightBytes(picked)).toBe(5_159_966_792);
    expect(picked.every((f) => !f.path.includes('.fp16.'))).toBe(true);
  });

  it('a variant the repo lacks for one component falls back to that component\'s plain files', () => {
    const files: RepoFile[] = [
      { path: 'model_index.json', size: 1, blobId: 'a' },
      { path: 'unet/config.json', size: 1, blobId: 'b' },
      { path: 'unet/diffusion_pytorch_model.fp16.safetensors', size: 1, blobId: 'c' },
      { path: 'unet/diffusion_pytorch_model.safetensors', size: 1, blobId: 'd' },
      { path: 'vae/config.json', size: 1, blobId: 'e' },
      { path: 'vae/diffusion_pytorch_model.safetensors', size: 1, blobId: 'f' },
      { path: 'vae/diffusion_pytorch_model.bin', size: 1, blobId: 'g' },
    ];
    expect(selectPipelineFiles(files, ['unet', 'vae'], 'fp16').map((f) => f.path)).toEqual([
      'model_index.json',
      'unet/config.json',
      'unet/diffusion_pytorch_model.fp16.safetensors',
      'vae/config.json',
      'vae/diffusion_pytorch_model.safetensors',
    ]);
  });

  it('sharded weights come with the index of the same variant', () => {
    const files: RepoFile[] = [
      { path: 'unet/config.json', size: 1, blobId: 'a' },
      { path: 'unet/diffusion_pytorch_model.safetensors.index.json', size: 1, blobId: 'b' },
      { path: 'unet/diffusion_pytorch_model-00001-of-00002.safetensors', size: 1, blobId: 'c' },
      { path: 'unet/diffusion_pytorch_model-00002-of-00002.safetensors', size: 1, blobId: 'd' },
      { path: 'unet/diffusion_pytorch_model.safetensors.index.fp16.json', size: 1, blobId: 'e' },
      { path: 'unet/diffusion_pytorch_model-00001-of-00002.fp16.safetensors', size: 1, blobId: 'f' },
      { path: 'unet/diffusion_pytorch_model-00002-of-00002.fp16.safetensors', size: 1, blobId: 'g' },
    ];
    expect(selectPipelineFiles(files, ['unet'], 'fp16').map((f) => f.path)).toEqual([
      'unet/config.json',
      'unet/diffusion_pytorch_model-00001-of-00002.fp16.safetensors',
      'unet/diffusion_pytorch_model-00002-of-00002.fp16.safetensors',
      'unet/diffusion_pytorch_model.safetensors.index.fp16.json',
    ]);
    expect(selectPipelineFiles(files, ['unet'], null).map((f) => f.path)).toEqual([
      'unet/config.json',
      'unet/diffusion_pytorch_model-00001-of-00002.safetensors',
      'unet/diffusion_pytorch_model-00002-of-00002.safetensors',
      'unet/diffusion_pytorch_model.safetensors.index.json',
    ]);
  });

  it('the scoring CLIP: configs, tokenizer and model.safetensors, not the .bin / TF / Flax copies', () => {
    const names = ['config.json', 'merges.txt', 'preprocessor_config.json', 'special_tokens_map.json', 'tokenizer.json',
      'tokenizer_config.json', 'vocab.json', 'model.safetensors', 'pytorch_model.bin', 'tf_model.h5', 'flax_model.msgpack', 'README.md'];
    const files = names.map((n, i) => ({ path: n, size: 1, blobId: String(i) }));
    expect(selectClipFiles(files).map((f) => f.path).sort()).toEqual(
      ['config.json', 'merges.txt', 'model.safetensors', 'preprocessor_config.json', 'special_tokens_map.json', 'tokenizer.json',
        'tokenizer_config.json', 'vocab.json'].sort(),
    );
  });
});
