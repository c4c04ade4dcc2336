"""Child process that runs one JavaScript code tool or code node in V8 (mini-racer).

Started by :mod:`retell_dsl.sim.tools.javascript` as ``python -P _js_worker.py``; reads one JSON
request on stdin and writes one JSON answer on stdout. It imports only the standard library and
``py_mini_racer`` (no retell_dsl), so it starts fast. The parent kills it at the hard deadline,
which is what bounds code that V8's own timeout cannot stop (a loop inside a resumed promise).
"""

from __future__ import annotations

import json
import sys
import time

__all__ = ["PRELUDE", "main", "run"]

FETCH_MESSAGE = (
    "fetch is not supported by the local engine yet: a code tool or code node that calls fetch cannot run "
    "offline. Mock the tool (tool_mocks) or move the HTTP call into a custom function."
)

PRELUDE = """
(function () {
  const logs = [];
  let room = %(log_chars)d;
  const show = (x) => {
    if (typeof x === "string") return x;
    if (x === undefined) return "undefined";
    try { const s = JSON.stringify(x); return s === undefined ? String(x) : s; } catch (e) { return String(x); }
  };
  const log = (...args) => {
    if (room <= 0) return;
    let line = args.map(show).join(" ");
    if (line.length > room) line = line.slice(0, room);
    room -= line.length;
    logs.push(line);
  };
  globalThis.console = { log, info: log, warn: log, error: log, debug: log };
  globalThis.__retell_logs = logs;
  globalThis.__retell_fetch_called = false;
  globalThis.fetch = function fetch() {
    globalThis.__retell_fetch_called = true;
    throw new Error(%(fetch_message)s);
  };
  globalThis.dv = Object.freeze(%(dv)s);
  globalThis.metadata = %(metadata)s;
})();
"""

RUN = """
(async function () {
%(code)s
})().then(
  (value) => {
    if (value === undefined) value = null;
    let text;
    try { text = typeof value === "string" ? value : JSON.stringify(value); }
    catch (e) { return JSON.stringify({ ok: false, error: "the result cannot be turned into JSON (" + e + ")" }); }
    if (text === undefined) text = String(value);
    return JSON.stringify({ ok: true, result: text });
  },
  (e) => JSON.stringify({
    ok: false,
    error: (e instanceof Error) ? (e.name + ": " + e.message) : ("uncaught " + String(e)),
  })
)
"""


def run(request: dict[str, object]) -> dict[str, object]:
    """Run the request; the answer always has ``ok`` and, on failure, ``kind`` and ``error``."""
    try:
        from py_mini_racer import JSOOMException, JSParseException, JSPromise, JSTimeoutException, MiniRacer
    except ImportError as exc:  # pragma: no cover - mini-racer is a dependency
        return {"ok": False, "kind": "engine_error", "error": f"the JavaScript engine is missing ({exc})"}
    timeout_s = float(request["timeout_s"])  # type: ignore[arg-type]
    memory = int(request["memory_bytes"])  # type: ignore[call-overload]
    cap = int(request["result_chars"])  # type: ignore[call-overload]
    deadline = time.monotonic() + timeout_s
    ctx = MiniRacer()
    ctx.set_hard_memory_limit(memory)
    prelude = PRELUDE % {
        "log_chars": int(request["log_chars"]),  # type: ignore[call-overload]
        "fetch_message": json.dumps(FETCH_MESSAGE),
        "dv": json.dumps(request["dv"]),
        "metadata": json.dumps(request["metadata"]),
    }
    answer: dict[str, object]
    try:
        ctx.eval(prelude)
        promise = ctx.eval(RUN % {"code": request["code"]}, timeout_sec=timeout_s, max_memory=memory)
        if not isinstance(promise, JSPromise):
            raise TypeError(f"the wrapped code did not produce a promise ({type(promise).__name__})")
        envelope = promise.get(timeout=max(0.001, deadline - time.monotonic()))
        answer = json.loads(str(envelope))
    except JSParseException as exc:
        answer = {"ok": False, "error": f"the code does not parse: {_first_line(exc)}"}
    except JSTimeoutException:
        answer = {"ok": False, "kind": "timeout", "error": "the code did not finish in time"}
    except JSOOMException:
        answer = {"ok": False, "error": f"the code ran out of memory (limit {memory // (1024 * 1024)} MiB)"}
    except Exception as exc:
        timed_out = time.monotonic() >= deadline or "timeout" in type(exc).__name__.lower()
        if timed_out:
            answer = {"ok": False, "kind": "timeout", "error": "the code did not finish in time"}
        else:
            answer = {"ok": False, "error": f"{type(exc).__name__}: {_first_line(exc)}"}
    try:
        answer["logs"] = json.loads(str(ctx.eval("JSON.stringify(__retell_logs)")))
        fetch_called = bool(ctx.eval("__retell_fetch_called"))
    except Exception:
        answer.setdefault("logs", [])
        fetch_called = False
    if fetch_called:
        answer = {"ok": False, "kind": "js_unsupported", "error": FETCH_MESSAGE, "logs": answer["logs"]}
    if answer.get("ok"):
        text = str(answer.get("result"))
        answer["truncated"] = len(text) > cap
        answer["result"] = text[:cap]
    else:
        answer.setdefault("kind", "js_error")
    return answer


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def main() -> None:
    """Read the request from stdin, print the answer as one JSON line."""
    try:
        request = json.loads(sys.stdin.read())
        answer = run(request)
    except Exception as exc:
        answer = {"ok": False, "kind": "engine_error", "error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
