import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

/**
 * An independent reference for differential tests: `@huggingface/tokenizers` (pure JS port of HF tokenizers) set
 * up like the CLIPTokenizerFast tokenizer.json (NFC + whitespace collapse + lowercase, CLIP split regex, ByteLevel,
 * BPE with `</w>`), with bos/eos/unk/pad registered as special, non-normalized added tokens.
 * Returns a function giving the content ids (no bos/eos) of a text.
 */
export function loadLibraryReference(dir: string): (text: string) => number[] {
  const vocab = JSON.parse(readFileSync(path.join(dir, 'vocab.json'), 'utf8')) as Record<string, number>;
  const merges = readFileSync(path.join(dir, 'merges.txt'), 'utf8')
    .split('\n')
    .filter((line, i) => !(i === 0 && line.startsWith('#version')) && line.length > 0);
  const map = JSON.parse(readFileSync(path.join(dir, 'special_tokens_map.json'), 'utf8')) as Record<
    string,
    string | { content: string }
  >;
  const content = (t: string | { content: string } | undefined): string => {
    if (t === undefined) throw new Error(`${dir}: special token missing`);
    return typeof t === 'string' ? t : t.content;
  };
  const specials = [...new Set(['bos_token', 'eos_token', 'unk_token', 'pad_token'].map((k) => content(map[k])))];
  const definition = {
    added_tokens: specials.map((t) => ({
      id: vocab[t],
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: {
            Regex: "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
          },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: content(map.unk_token),
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
  const tokenizer = new Tokenizer(definition, {});
  return (text) => tokenizer.encode(text, { add_special_tokens: false }).ids;
}
