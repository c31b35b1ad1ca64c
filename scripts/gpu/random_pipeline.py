"""Random-weight diffusers folders of real size, for timing (not for images).

Builds a pipeline folder from the real model's configs (research/data/real-configs/<model>): the
UNet, VAE and text encoder(s) are constructed from their config.json on the GPU with diffusers' and
transformers' own initialisation, saved as `*.fp16.safetensors` (the variant both engines load for
fp16/bf16), and the scheduler, tokenizer configs and the CLIP vocabulary are copied beside them.
Components a text-to-image call does not use (safety checker, feature extractor) are left out.

    python3 scripts/gpu/random_pipeline.py --model sdxl-base --configs research/data/real-configs \
        --vocab .gpu-check/tokenizer --out /tmp/folders/sdxl-base [--share-from /tmp/folders/other]

--share-from reuses (hard links) the weights of another folder for every component whose config
has the same shapes (SDXL-Turbo shares SDXL base's architecture), so the disk holds them once.
Needs torch with CUDA, diffusers and transformers (scripts/gpu-check.sh puts diffusers on PYTHONPATH).
"""

import argparse
import json
import os
import shutil
import sys
import time

UNUSED = ("safety_checker", "feature_extractor", "image_encoder")
# Config keys that do not change the weights' shapes (ignored when deciding to share).
NOT_SHAPES = ("_name_or_path", "_diffusers_version", "transformers_version", "sample_size", "force_upcast",
              "scaling_factor", "attention_type", "dropout", "reverse_transformer_layers_per_block")


def shape_config(path):
    with open(path) as f:
        config = json.load(f)
    return {k: v for k, v in config.items() if k not in NOT_SHAPES}


def build_component(kind, config_dir, device):
    import torch

    with torch.device(device):
        if kind == "UNet2DConditionModel":
            from diffusers import UNet2DConditionModel

            return UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(config_dir))
        if kind == "AutoencoderKL":
            from diffusers import AutoencoderKL

            return AutoencoderKL.from_config(AutoencoderKL.load_config(config_dir))
        from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

        config = CLIPTextConfig.from_pretrained(config_dir)
        cls = CLIPTextModelWithProjection if kind == "CLIPTextModelWithProjection" else CLIPTextModel
        return cls(config)


def write_component(name, kind, spec_dir, out_dir, share_from, device):
    import torch

    src = os.path.join(spec_dir, name)
    dst = os.path.join(out_dir, name)
    os.makedirs(dst, exist_ok=True)
    shared = share_from and os.path.isdir(os.path.join(share_from, name))
    if shared and shape_config(os.path.join(src, "config.json")) == shape_config(os.path.join(share_from, name, "config.json")):
        for f in os.listdir(os.path.join(share_from, name)):
            if f.endswith(".safetensors") or f.endswith(".safetensors.index.json"):
                os.link(os.path.join(share_from, name, f), os.path.join(dst, f))
        how = "shared with " + share_from
    else:
        torch.manual_seed(0)
        module = build_component(kind, src, device).to(torch.float16)
        module.save_pretrained(dst, variant="fp16", safe_serialization=True)
        params = sum(p.numel() for p in module.parameters())
        del module
        torch.cuda.empty_cache()
        how = f"{params / 1e6:.0f} M parameters"
    # The real model's config, exactly (save_pretrained writes its own rendering of it).
    shutil.copyfile(os.path.join(src, "config.json"), os.path.join(dst, "config.json"))
    return how


def make_folder(model, configs, vocab, out_dir, share_from=None, device="cuda"):
    spec_dir = os.path.join(configs, model)
    with open(os.path.join(spec_dir, "model_index.json")) as f:
        index = json.load(f)
    done_marker = os.path.join(out_dir, ".complete")
    if os.path.exists(done_marker):
        return index
    os.makedirs(out_dir, exist_ok=True)
    for key in UNUSED:
        if key in index:
            index[key] = [None, None]
    with open(os.path.join(out_dir, "model_index.json"), "w") as f:
        json.dump(index, f, indent=2)
    for name, entry in index.items():
        if name.startswith("_") or not isinstance(entry, list) or entry[0] is None:
            continue
        kind = entry[1]
        started = time.time()
        if name.startswith("tokenizer") or name == "scheduler":
            shutil.copytree(os.path.join(spec_dir, name), os.path.join(out_dir, name), dirs_exist_ok=True)
            if name.startswith("tokenizer"):
                for f in ("vocab.json", "merges.txt"):
                    shutil.copyfile(os.path.join(vocab, f), os.path.join(out_dir, name, f))
            continue
        how = write_component(name, kind, spec_dir, out_dir, share_from, device)
        print(f"  {model}/{name} ({kind}): {how}, {time.time() - started:.1f} s", flush=True)
    open(done_marker, "w").close()
    return index


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--configs", required=True)
    parser.add_argument("--vocab", required=True, help="folder with the CLIP vocab.json and merges.txt")
    parser.add_argument("--out", required=True)
    parser.add_argument("--share-from")
    parser.add_argument("--device", default="cuda")
    args = parser.parse_args()
    make_folder(args.model, args.configs, args.vocab, args.out, args.share_from, args.device)
    return 0


if __name__ == "__main__":
    sys.exit(main())
