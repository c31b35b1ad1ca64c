"""Times diffusers' UNet2DConditionModel on a UNet folder, like build/Release/unet-bench does ours.

Usage: python bench-engine-diffusers.py UNET_DIR WIDTH HEIGHT BATCH ITERS THREADS
Prints one JSON line {"wallMs": median, "cpuMs": median, "minWallMs": min, "minCpuMs": min}. Random weights (from the config) when the
folder has none, as unet-bench does. Needs diffusers importable (see README, "bench:engine").
"""
import json
import os
import statistics
import sys
import time

import torch
from safetensors.torch import load_file
from diffusers import UNet2DConditionModel


def main() -> None:
    unet_dir, width, height, batch, iters, threads = sys.argv[1], *map(int, sys.argv[2:7])
    torch.set_num_threads(threads)
    weights = os.path.join(unet_dir, "diffusion_pytorch_model.safetensors")
    unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(unet_dir))
    if os.path.exists(weights):
        unet.load_state_dict(load_file(weights))
    unet.eval()
    cfg = unet.config
    cross = cfg.cross_attention_dim if isinstance(cfg.cross_attention_dim, int) else cfg.cross_attention_dim[0]
    sample = torch.randn(batch, cfg.in_channels, height // 8, width // 8)
    context = torch.randn(batch, 77, cross)
    added = None
    if cfg.addition_embed_type == "text_time":
        pooled = cfg.projection_class_embeddings_input_dim - 6 * cfg.addition_time_embed_dim
        added = {
            "text_embeds": torch.randn(batch, pooled),
            "time_ids": torch.tensor([[height, width, 0, 0, height, width]], dtype=torch.float32).repeat(batch, 1),
        }
    wall, cpu = [], []
    with torch.inference_mode():
        for _ in range(iters + 1):
            w0, c0 = time.perf_counter(), time.process_time()
            unet(sample, 500.0, context, added_cond_kwargs=added)
            wall.append((time.perf_counter() - w0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    wall, cpu = wall[1:], cpu[1:]
    print(json.dumps({"wallMs": statistics.median(wall), "cpuMs": statistics.median(cpu), "minWallMs": min(wall), "minCpuMs": min(cpu)}))


if __name__ == "__main__":
    main()
