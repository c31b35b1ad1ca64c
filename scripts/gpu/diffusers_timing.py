"""Times diffusers on one pipeline folder, the way its users run it: fp16 weights, the default
(SDPA) attention processors, a CPU generator, output_type="pil". Prints one JSON object.

    python3 scripts/gpu/diffusers_timing.py --model DIR --width 512 --height 512 --steps 25 \
        --guidance 7.5 --prompt "..." [--warmup 1] [--images 3] [--dtype fp16]

Per-step time: a CUDA event at the start of every UNet call (forward pre-hook) and one at the end of
every step (callback_on_step_end), read after the call, so the loop is not synchronised by the
measuring. End to end: host time from the call to the PIL image, the device idle at the start.
Peak memory: torch.cuda.max_memory_allocated() over the call (weights included), as the engine's.
"""

import argparse
import json
import statistics
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--height", type=int, default=512)
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--guidance", type=float, default=7.5)
    parser.add_argument("--prompt", default="a photo of an astronaut riding a horse on mars")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--images", type=int, default=3)
    parser.add_argument("--dtype", default="fp16", choices=["fp16", "bf16", "fp32"])
    args = parser.parse_args()

    import torch
    import diffusers
    from diffusers import DiffusionPipeline

    dtype = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}[args.dtype]
    torch.cuda.synchronize()
    started = time.perf_counter()
    pipe = DiffusionPipeline.from_pretrained(args.model, torch_dtype=dtype, variant="fp16", local_files_only=True)
    pipe = pipe.to("cuda")
    torch.cuda.synchronize()
    load_ms = (time.perf_counter() - started) * 1000
    pipe.set_progress_bar_config(disable=True)
    processors = sorted({type(p).__name__ for p in pipe.unet.attn_processors.values()})

    starts, ends = [], []

    def on_unet(_module, _args, _kwargs):
        event = torch.cuda.Event(enable_timing=True)
        event.record()
        starts.append(event)

    def on_step_end(_pipe, _step, _timestep, callback_kwargs):
        event = torch.cuda.Event(enable_timing=True)
        event.record()
        ends.append(event)
        return callback_kwargs

    pipe.unet.register_forward_pre_hook(on_unet, with_kwargs=True)
    runs = []
    for i in range(args.warmup + args.images):
        starts.clear()
        ends.clear()
        generator = torch.Generator("cpu").manual_seed(0)
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter()
        image = pipe(args.prompt, height=args.height, width=args.width, num_inference_steps=args.steps,
                     guidance_scale=args.guidance, generator=generator, output_type="pil",
                     callback_on_step_end=on_step_end).images[0]
        wall_ms = (time.perf_counter() - t0) * 1000
        torch.cuda.synchronize()
        step_ms = [s.elapsed_time(e) for s, e in zip(starts, ends)]
        runs.append({"warmup": i < args.warmup, "wallMs": wall_ms, "stepMs": step_ms,
                     "peakAllocated": torch.cuda.max_memory_allocated(),
                     "peakReserved": torch.cuda.max_memory_reserved(), "imageSize": list(image.size)})
    timed = [r for r in runs if not r["warmup"]]
    out = {
        "diffusers": diffusers.__version__,
        "torch": torch.__version__,
        "attentionProcessors": processors,
        "dtype": args.dtype,
        "loadMs": load_ms,
        "e2eMsMedian": statistics.median(r["wallMs"] for r in timed),
        "stepMsMedian": statistics.median(s for r in timed for s in r["stepMs"]),
        "unetCallsPerImage": len(timed[0]["stepMs"]),
        "peakAllocated": max(r["peakAllocated"] for r in timed),
        "peakReserved": max(r["peakReserved"] for r in timed),
        "runs": runs,
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
