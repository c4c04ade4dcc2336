"""JavaScript code tools and code nodes, run in V8 (the ``mini-racer`` package) in a child process.

Retell runs the code as the body of an ``async`` function (``await`` and ``return`` work) with
``dv`` (every dynamic variable, as strings), ``metadata`` (the call's metadata), ``console.log``
and ``fetch``. The rules applied here: code longer than 5 000 characters is refused without
running; the timeout is the tool's or node's ``timeout_ms`` (default 30 000) kept within 5 to 60 s
(:class:`JsPolicy` can widen that for tests); the result is the returned value (a string as it
is, anything else as JSON), capped at 15 000 characters; ``response_variables`` are read from it;
a throw or a timeout is a failed execution and no variable is extracted. ``console.log`` lines
are captured in :attr:`ToolResult.logs` (bounded). V8's heap is limited (128 MiB by default; a
local choice, Retell documents none).

``fetch`` is not provided: calling it fails the execution with "fetch is not supported by the
local engine yet", even if the code catches the error, so nothing silently runs without it.

Bounds: V8's own timeout stops synchronous loops, but not a loop that starts after an ``await``,
so each run is a fresh child process (``python -P _js_worker.py``, about 0.2 s to start) that the
parent kills once the timeout plus a grace period has passed. Nothing can outlive the bound.

>>> import asyncio
>>> call = ToolCall(name="shipping", type="code")
>>> result = asyncio.run(run_code(call, "console.log('zone', dv.zone); return {cost: 3 * 2, zone: dv.zone}",
...                               dv={"zone": "local"}, response_variables={"cost": "cost"}))
>>> result.content, dict(result.variables), result.logs, result.source
('{"cost":6,"zone":"local"}', {'cost': '6'}, ('zone local',), 'javascript')
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from retell_dsl.sim.tools.paths import extract_variables
from retell_dsl.sim.tools.result import ErrorKind, ToolCall, ToolResult, mock_hint

__all__ = ["CODE_CHAR_LIMIT", "DEFAULT_CODE_TIMEOUT_MS", "JsPolicy", "run_code"]

CODE_CHAR_LIMIT = 5_000
DEFAULT_CODE_TIMEOUT_MS = 30_000
_WORKER = Path(__file__).with_name("_js_worker.py")
_ANSWER_LIMIT = 1_000_000  # bytes of the child's answer read at most (the child caps what it writes)


@dataclass(frozen=True, slots=True, kw_only=True)
class JsPolicy:
    """Limits of JavaScript execution (Retell's documented ones by default).

    >>> JsPolicy().timeout_s(None), JsPolicy().timeout_s(1), JsPolicy().timeout_s(90_000)
    (30.0, 5.0, 60.0)
    """

    min_timeout_ms: int = 5_000
    max_timeout_ms: int = 60_000
    default_timeout_ms: int = DEFAULT_CODE_TIMEOUT_MS
    code_chars: int = CODE_CHAR_LIMIT
    result_chars: int = 15_000
    log_chars: int = 20_000
    memory_bytes: int = 128 * 1024 * 1024
    grace_s: float = 3.0

    def timeout_s(self, timeout_ms: object) -> float:
        """The effective timeout for a tool's or node's ``timeout_ms`` (``None``: the default)."""
        valid = isinstance(timeout_ms, int) and not isinstance(timeout_ms, bool)
        value = timeout_ms if valid else self.default_timeout_ms
        assert isinstance(value, int)
        return max(self.min_timeout_ms, min(self.max_timeout_ms, value)) / 1000


async def _run_worker(request: dict[str, object], hard_limit_s: float) -> dict[str, object]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-P",
        str(_WORKER),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        async with asyncio.timeout(hard_limit_s):
            proc.stdin.write(json.dumps(request).encode())
            await proc.stdin.drain()
            proc.stdin.close()
            raw = b""
            while len(raw) < _ANSWER_LIMIT and (chunk := await proc.stdout.read(_ANSWER_LIMIT - len(raw))):
                raw += chunk
            await proc.wait()
    except TimeoutError:
        return {"ok": False, "kind": "timeout", "error": "the code did not finish in time (stopped by the engine)"}
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await asyncio.wait_for(proc.wait(), 10)
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        return {"ok": False, "kind": "engine_error", "error": f"the JavaScript worker exited ({proc.returncode})"}
    return answer


async def run_code(
    call: ToolCall,
    code: str,
    *,
    dv: Mapping[str, str] | None = None,
    metadata: Mapping[str, object] | None = None,
    timeout_ms: int | None = None,
    response_variables: Mapping[str, str] | None = None,
    policy: JsPolicy | None = None,
) -> ToolResult:
    """Run ``code`` for ``call`` (a code tool's call, or a code node's); never raises for what the code does."""
    policy = policy or JsPolicy()
    started = time.monotonic()
    what = f"{'Code node' if call.type == 'code_node' else 'Code tool'} {call.name!r}"
    if len(code) > policy.code_chars:
        return ToolResult.failure(
            call,
            ErrorKind.CODE_TOO_LONG,
            f"{what} has {len(code)} characters of code; Retell allows at most {policy.code_chars}. "
            "Shorten it or move the work into a custom function.",
            source="javascript",
        )
    timeout_s = policy.timeout_s(timeout_ms)
    request: dict[str, object] = {
        "code": code,
        "dv": {str(k): str(v) for k, v in (dv or {}).items()},
        "metadata": json.loads(json.dumps(dict(metadata or {}), default=str)),
        "timeout_s": timeout_s,
        "memory_bytes": policy.memory_bytes,
        "result_chars": policy.result_chars,
        "log_chars": policy.log_chars,
    }
    try:
        answer = await _run_worker(request, timeout_s + policy.grace_s)
    except OSError as exc:
        answer = {"ok": False, "kind": "engine_error", "error": f"cannot start the JavaScript worker ({exc})"}
    elapsed = int((time.monotonic() - started) * 1000)
    raw_logs = answer.get("logs")
    logs = tuple(str(line) for line in raw_logs) if isinstance(raw_logs, list) else ()
    if not answer.get("ok"):
        kind = _KINDS.get(str(answer.get("kind")), ErrorKind.JS_ERROR)
        error = str(answer.get("error"))
        if kind is ErrorKind.TIMEOUT:
            error = f"timed out after {int(timeout_s * 1000)} ms ({error}); make it faster or raise its timeout_ms"
        message = f"{what} failed: {error}."
        if kind is not ErrorKind.JS_UNSUPPORTED:
            message += f" {mock_hint(call.name)}" if call.type != "code_node" else ""
        return ToolResult.failure(call, kind, message, source="javascript", duration_ms=elapsed, logs=logs)
    content = str(answer.get("result", ""))
    truncated = bool(answer.get("truncated"))
    return ToolResult(
        call=call,
        content=content,
        successful=True,
        source="javascript",
        variables={} if truncated else extract_variables(content, response_variables),
        duration_ms=elapsed,
        truncated=truncated,
        logs=logs,
    )


_KINDS = {
    "timeout": ErrorKind.TIMEOUT,
    "js_error": ErrorKind.JS_ERROR,
    "js_unsupported": ErrorKind.JS_UNSUPPORTED,
    "engine_error": ErrorKind.ENGINE_ERROR,
}
