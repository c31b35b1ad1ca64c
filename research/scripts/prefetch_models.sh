#!/usr/bin/env bash
# Pulls all 7 benchmark models + the scoring models (CLIP ViT-L/14, LAION aesthetic MLP) into the
# Hugging Face cache: a thin wrapper around `ppbench prefetch` (resumable, sha256-checked; only
# the files the engine reads). Arguments are passed on, e.g.
#   research/scripts/prefetch_models.sh --dry-run
#   research/scripts/prefetch_models.sh --models sd15,sdxl-base
# Works in the container (the image's entrypoint CLI at /workspace/dist/cli/main.js) and from a
# checkout (dist/cli/main.js, built by `npm run setup` when missing).
# HF_TOKEN or HUGGINGFACE_HUB_TOKEN for gated repos; HF_HOME / HF_HUB_CACHE pick the cache.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cli="$root/dist/cli/main.js"
# In the container research/ is mounted at /workspace/research, and the CLI lives in /workspace.
if [[ ! -f "$cli" && -f /workspace/dist/cli/main.js ]]; then
  root=/workspace
  cli=/workspace/dist/cli/main.js
fi
if [[ ! -f "$cli" ]]; then
  echo "prefetch_models.sh: $cli is missing; building it with scripts/setup.sh" >&2
  bash "$root/scripts/setup.sh"
fi
cd "$root"
exec node "$cli" prefetch "$@"
