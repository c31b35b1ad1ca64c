"""Writes a diffusers-format pipeline folder with random weights of real size from a config-only folder.

Usage: python make-random-pipeline.py CONFIG_DIR OUT_DIR [--dtype fp32|fp16|bf16] [--components unet,vae,...]

CONFIG_DIR is a pipeline folder without weights (e.g. $PPBENCH_SHARED_DIR/spec/configs/sd15). OUT_DIR
gets its configs, scheduler and tokenizer files, and random weights for the components the engine
loads: text encoders (CLIPTextModel / CLIPTextModelWithProjection keys), the VAE's decoder and
post_quant_conv (the engine's VAE is decoder-only), and the UNet (written by build/Release/unet-bench
--save-random, which takes the parameter list from the engine itself). Matrices and kernels are
N(0, 1/fan_in), norm scales 1, biases 0, so activations stay in a realistic range. For profiling and
load measurements only: the images are noise. Keep OUT_DIR outside the repository (sizes: SD 1.5
about 4 GB in fp32, SDXL about 7 GB in fp16).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import torch
from safetensors.torch import save_file

DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Params:
    """Collects name -> random tensor, generated as they are declared."""

    def __init__(self, dtype: torch.dtype) -> None:
        self.dtype = dtype
        self.tensors: dict[str, torch.Tensor] = {}

    def matrix(self, name: str, *shape: int) -> None:
        fan_in = 1
        for d in shape[1:]:
            fan_in *= d
        self.tensors[name] = (torch.randn(shape) / fan_in**0.5).to(self.dtype)

    def linear(self, name: str, n_in: int, n_out: int, bias: bool = True) -> None:
        self.matrix(f"{name}.weight", n_out, n_in)
        if bias:
            self.tensors[f"{name}.bias"] = torch.zeros(n_out, dtype=self.dtype)

    def conv(self, name: str, n_in: int, n_out: int, kernel: int) -> None:
        self.matrix(f"{name}.weight", n_out, n_in, kernel, kernel)
        self.tensors[f"{name}.bias"] = torch.zeros(n_out, dtype=self.dtype)

    def norm(self, name: str, channels: int) -> None:
        self.tensors[f"{name}.weight"] = torch.ones(channels, dtype=self.dtype)
        self.tensors[f"{name}.bias"] = torch.zeros(channels, dtype=self.dtype)


def clip_text(cfg: dict, p: Params) -> None:
    hidden, inner = cfg["hidden_size"], cfg["intermediate_size"]
    t = "text_model"
    p.tensors[f"{t}.embeddings.token_embedding.weight"] = (torch.randn(cfg["vocab_size"], hidden) * 0.02).to(p.dtype)
    p.tensors[f"{t}.embeddings.position_embedding.weight"] = (
        torch.randn(cfg["max_position_embeddings"], hidden) * 0.02
    ).to(p.dtype)
    for i in range(cfg["num_hidden_layers"]):
        layer = f"{t}.encoder.layers.{i}"
        for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
            p.linear(f"{layer}.self_attn.{proj}", hidden, hidden)
        p.norm(f"{layer}.layer_norm1", hidden)
        p.norm(f"{layer}.layer_norm2", hidden)
        p.linear(f"{layer}.mlp.fc1", hidden, inner)
        p.linear(f"{layer}.mlp.fc2", inner, hidden)
    p.norm(f"{t}.final_layer_norm", hidden)
    if "CLIPTextModelWithProjection" in cfg.get("architectures", []):
        p.linear("text_projection", hidden, cfg["projection_dim"], bias=False)


def vae_resnet(p: Params, name: str, n_in: int, n_out: int) -> None:
    p.norm(f"{name}.norm1", n_in)
    p.conv(f"{name}.conv1", n_in, n_out, 3)
    p.norm(f"{name}.norm2", n_out)
    p.conv(f"{name}.conv2", n_out, n_out, 3)
    if n_in != n_out:
        p.conv(f"{name}.conv_shortcut", n_in, n_out, 1)


def vae_decoder(cfg: dict, p: Params) -> None:
    channels = list(reversed(cfg["block_out_channels"]))
    latent = cfg.get("latent_channels", 4)
    layers = cfg.get("layers_per_block", 1)
    if cfg.get("use_post_quant_conv", True):
        p.conv("post_quant_conv", latent, latent, 1)
    d = "decoder"
    p.conv(f"{d}.conv_in", latent, channels[0], 3)
    vae_resnet(p, f"{d}.mid_block.resnets.0", channels[0], channels[0])
    if cfg.get("mid_block_add_attention", True):
        a = f"{d}.mid_block.attentions.0"
        p.norm(f"{a}.group_norm", channels[0])
        for proj in ("to_q", "to_k", "to_v", "to_out.0"):
            p.linear(f"{a}.{proj}", channels[0], channels[0])
    vae_resnet(p, f"{d}.mid_block.resnets.1", channels[0], channels[0])
    previous = channels[0]
    for i, out in enumerate(channels):
        for j in range(layers + 1):
            vae_resnet(p, f"{d}.up_blocks.{i}.resnets.{j}", previous if j == 0 else out, out)
        if i != len(channels) - 1:
            p.conv(f"{d}.up_blocks.{i}.upsamplers.0.conv", out, out, 3)
        previous = out
    p.norm(f"{d}.conv_norm_out", channels[-1])
    p.conv(f"{d}.conv_out", channels[-1], cfg.get("out_channels", 3), 3)


def write(p: Params, path: str) -> None:
    save_file(p.tensors, path)
    print(f"wrote {path} ({os.path.getsize(path) / 1e9:.2f} GB, {len(p.tensors)} tensors)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("config_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--dtype", choices=DTYPES, default="fp32")
    ap.add_argument("--components", help="comma-separated subset of the model_index components")
    args = ap.parse_args()
    torch.manual_seed(0)
    dtype = DTYPES[args.dtype]
    with open(os.path.join(args.config_dir, "model_index.json")) as f:
        index = json.load(f)
    wanted = set(args.components.split(",")) if args.components else None
    os.makedirs(args.out_dir, exist_ok=True)
    shutil.copyfile(os.path.join(args.config_dir, "model_index.json"), os.path.join(args.out_dir, "model_index.json"))
    for name, spec in index.items():
        src = os.path.join(args.config_dir, name)
        if not isinstance(spec, list) or not os.path.isdir(src):
            continue
        dst = os.path.join(args.out_dir, name)
        if name.startswith(("scheduler", "tokenizer")):
            shutil.copytree(src, dst, dirs_exist_ok=True, copy_function=shutil.copyfile)
            continue
        if wanted is not None and name not in wanted:
            continue
        cls = spec[1]
        if cls not in ("CLIPTextModel", "CLIPTextModelWithProjection", "AutoencoderKL", "UNet2DConditionModel"):
            print(f"skipped {name} ({cls}): the engine does not load it", file=sys.stderr)
            continue
        os.makedirs(dst, exist_ok=True)
        config = os.path.join(src, "config.json")
        shutil.copyfile(config, os.path.join(dst, "config.json"))
        with open(config) as f:
            cfg = json.load(f)
        if cls in ("CLIPTextModel", "CLIPTextModelWithProjection"):
            p = Params(dtype)
            clip_text(cfg, p)
            write(p, os.path.join(dst, "model.safetensors"))
        elif cls == "AutoencoderKL":
            p = Params(dtype)
            vae_decoder(cfg, p)
            write(p, os.path.join(dst, "diffusion_pytorch_model.safetensors"))
        else:
            bench = os.path.join(ROOT, "build", "Release", "unet-bench")
            out = os.path.join(dst, "diffusion_pytorch_model.safetensors")
            subprocess.run([bench, dst, "--dtype", args.dtype, "--save-random", out], check=True)


if __name__ == "__main__":
    main()
