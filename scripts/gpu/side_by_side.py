"""The engine against diffusers on the same GPU, the same random-weight folders of real size and the
same requests, in one run (issue "GPU fast path"; scripts/gpu-check.sh runs it after its checks).

Cases: SD 1.5 at 512 px, 25 steps with CFG; SDXL base at 1024 px, 30 steps with CFG; SDXL-Turbo at
512 px, 1 step without CFG. Each in fp16 as: ours eager, ours with CUDA graphs, ours with graphs on
NCHW convolutions (PPBENCH_CUDA_CHANNELS_LAST=0: the layout's effect), diffusers (SDPA). Each
configuration runs in a process of its own (its own allocator peak), one warm-up image then
--images timed ones. Prints a table; writes everything as JSON to --out.

    python3 scripts/gpu/side_by_side.py --bench build-gpu/Release/pipeline-bench \
        --configs research/data/real-configs --vocab .gpu-check/tokenizer \
        --work /tmp/ppbench-side-by-side --out $OUT/side-by-side.json [--images 3] [--cases sd15,sdxl-base]
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from random_pipeline import make_folder  # noqa: E402

PROMPT = "a photo of an astronaut riding a horse on mars"
CASES = [
    {"name": "sd15", "model": "sd15", "size": 512, "steps": 25, "guidance": 7.5},
    {"name": "sdxl-base", "model": "sdxl-base", "size": 1024, "steps": 30, "guidance": 5.0},
    {"name": "sdxl-turbo", "model": "sdxl-turbo", "size": 512, "steps": 1, "guidance": 0.0, "share": "sdxl-base"},
]
OURS = [
    ("ours eager", {"--cuda-graphs": "off"}, {}),
    ("ours graphs", {"--cuda-graphs": "on"}, {}),
    ("ours graphs NCHW", {"--cuda-graphs": "on"}, {"PPBENCH_CUDA_CHANNELS_LAST": "0"}),
]


def token_ids(folder, index, cfg):
    """The ids the TypeScript tokenizer gives the engine: prompt per encoder; the negative "" for SD
    1.x/2.x under CFG (what diffusers encodes), none for SDXL (zeros, force_zeros_for_empty_prompt)."""
    from transformers import CLIPTokenizer

    names = [n for n in ("tokenizer", "tokenizer_2") if n in index]
    ids = {"prompt": [], "negative": []}
    for name in names:
        tok = CLIPTokenizer.from_pretrained(os.path.join(folder, name))
        encode = lambda text: tok(text, padding="max_length", max_length=tok.model_max_length, truncation=True).input_ids  # noqa: E731
        ids["prompt"].append(encode(PROMPT))
        if cfg and len(names) == 1:
            ids["negative"].append(encode(""))
    return ids


def run(cmd, env, timeout):
    """Runs cmd; (its stdout, None) when it succeeded, else (None, {"error": the end of its output})."""
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, {"error": f"timed out after {timeout} s"}
    if proc.returncode != 0:
        return None, {"error": (proc.stderr or proc.stdout).strip()[-600:] or f"exit {proc.returncode}"}
    return proc.stdout, None


def ours(bench, folder, ids_file, case, flags, extra_env, images, out_json, timeout):
    cmd = [bench, "--model", folder, "--ids", ids_file, "--device", "cuda", "--dtype", "fp16",
           "--width", str(case["size"]), "--height", str(case["size"]), "--steps", str(case["steps"]),
           "--guidance", str(case["guidance"]), "--warmup", "1", "--images", str(images), "--json", out_json]
    for k, v in flags.items():
        cmd += [k, v]
    _, failed = run(cmd, {**os.environ, **extra_env}, timeout)
    if failed:
        return failed
    with open(out_json) as f:
        result = json.load(f)
    result.pop("info", None)
    return result


def reference(folder, case, images, timeout):
    cmd = [sys.executable, os.path.join(HERE, "diffusers_timing.py"), "--model", folder,
           "--width", str(case["size"]), "--height", str(case["size"]), "--steps", str(case["steps"]),
           "--guidance", str(case["guidance"]), "--prompt", PROMPT, "--images", str(images)]
    stdout, failed = run(cmd, os.environ, timeout)
    return failed or json.loads(stdout.strip().splitlines()[-1])


def table(results):
    head = f"{'case':<11} {'run':<17} {'e2e ms':>9} {'step ms':>8} {'peak GB':>8} {'load s':>7} {'e2e/diff':>9} {'step/diff':>9} {'peak/diff':>9}"
    lines = [head, "-" * len(head)]
    for case, rows in results.items():
        ref = rows.get("diffusers", {})
        for name, r in rows.items():
            if "error" in r:
                lines.append(f"{case:<11} {name:<17} error: {r['error'].splitlines()[-1][:90]}")
                continue

            def ratio(key):
                return f"{r[key] / ref[key]:.2f}" if ref.get(key) else "-"

            lines.append(f"{case:<11} {name:<17} {r['e2eMsMedian']:>9.1f} {r['stepMsMedian']:>8.2f} "
                         f"{r['peakAllocated'] / 1e9:>8.2f} {r['loadMs'] / 1000:>7.1f} {ratio('e2eMsMedian'):>9} "
                         f"{ratio('stepMsMedian'):>9} {ratio('peakAllocated'):>9}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", required=True, help="pipeline-bench executable")
    parser.add_argument("--configs", required=True)
    parser.add_argument("--vocab", required=True)
    parser.add_argument("--work", default="/tmp/ppbench-side-by-side")
    parser.add_argument("--out", required=True)
    parser.add_argument("--images", type=int, default=3)
    parser.add_argument("--cases", default=",".join(c["name"] for c in CASES))
    parser.add_argument("--timeout", type=int, default=240, help="seconds per configuration")
    args = parser.parse_args()

    wanted = args.cases.split(",")
    results, folders = {}, {}
    for case in [c for c in CASES if c["name"] in wanted]:
        started = time.time()
        folder = os.path.join(args.work, case["model"])
        share = folders.get(case.get("share")) if case.get("share") else None
        try:
            index = make_folder(case["model"], args.configs, args.vocab, folder, share)
        except Exception as e:  # a folder that cannot be made fails its case, not the run
            results[case["name"]] = {"folder": {"error": f"{type(e).__name__}: {e}"}}
            continue
        folders[case["model"]] = folder
        print(f"{case['name']}: folder ready in {time.time() - started:.1f} s", flush=True)
        ids_file = os.path.join(args.work, case["name"] + ".ids.json")
        with open(ids_file, "w") as f:
            json.dump(token_ids(folder, index, case["guidance"] > 1), f)
        rows = {}
        for name, flags, env in OURS:
            rows[name] = ours(args.bench, folder, ids_file, case, flags, env, args.images,
                              os.path.join(args.work, f"{case['name']}.{name.replace(' ', '-')}.json"), args.timeout)
            print(f"  {name}: {rows[name].get('e2eMsMedian', rows[name].get('error'))}", flush=True)
        rows["diffusers"] = reference(folder, case, args.images, args.timeout)
        print(f"  diffusers: {rows['diffusers'].get('e2eMsMedian', rows['diffusers'].get('error'))}", flush=True)
        results[case["name"]] = rows
        with open(args.out, "w") as f:  # after every case: a later timeout keeps what was measured
            json.dump({"cases": CASES, "results": results}, f, indent=2)
    text = table(results)
    print(text)
    with open(args.out, "w") as f:
        json.dump({"cases": CASES, "results": results, "table": text}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
