"""JavaScript code tools and code nodes in V8, each run in a child process with a hard bound."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any

import pytest

from retell_dsl.sim.tools import ErrorKind, JsPolicy, ToolCall, ToolContext, ToolResult, ToolRunner, run_code

FAST = JsPolicy(min_timeout_ms=100, grace_s=1.0)
CONTEXT = ToolContext(dynamic_variables={"zone": "local", "weight": "4"}, metadata={"customer": {"tier": "gold"}})


def run(coro: Coroutine[Any, Any, ToolResult]) -> ToolResult:
    return asyncio.run(coro)


def code_tool(code: str, **fields: object) -> dict[str, object]:
    return {"type": "code", "name": "shipping", "code": code, **fields}


def run_tool(code: str, policy: JsPolicy = FAST, **fields: object) -> ToolResult:
    call = ToolCall(name="shipping", type="code")
    return run(ToolRunner(js_policy=policy).run(code_tool(code, **fields), call, CONTEXT))


def test_dv_metadata_and_console_log() -> None:
    result = run_tool(
        """
        console.log("weight", dv.weight, {z: dv.zone});
        console.info(typeof dv.weight);
        const cost = parseFloat(dv.weight) * (dv.zone === "local" ? 0.5 : 3);
        return {cost: "$" + cost.toFixed(2), tier: metadata.customer.tier, items: [1, 2]};
        """,
        response_variables={"cost": "cost", "tier": "tier", "second": "items[1]", "none": "nope"},
    )
    assert result.successful and result.source == "javascript"
    assert result.content == '{"cost":"$2.00","tier":"gold","items":[1,2]}'
    assert dict(result.variables) == {"cost": "$2.00", "tier": "gold", "second": "2"}
    assert result.logs == ('weight 4 {"z":"local"}', "string")


def test_dv_is_read_only_strings() -> None:
    result = run_tool('"use strict"; return Object.values(dv).every(v => typeof v === "string") && Object.isFrozen(dv)')
    assert result.content == "true"


def test_await_works_and_a_returned_string_is_kept_as_is() -> None:
    assert run_tool('const v = await Promise.resolve("plain text"); return v').content == "plain text"
    assert run_tool("return").content == "null"


def test_a_throw_is_a_failed_execution_with_no_variables() -> None:
    result = run_tool('console.log("before"); throw new RangeError("weight too high")', response_variables={"x": "x"})
    assert not result.successful and result.variables == {}
    assert result.error is not None and result.error.kind is ErrorKind.JS_ERROR
    assert "Code tool 'shipping' failed: RangeError: weight too high" in result.content
    assert result.logs == ("before",)


def test_a_rejected_promise_and_a_syntax_error_fail_cleanly() -> None:
    assert "uncaught nope" in run_tool('await Promise.reject("nope")').content
    result = run_tool("return {")
    assert result.error is not None and result.error.kind is ErrorKind.JS_ERROR and "parse" in result.content


def test_an_infinite_loop_ends_within_the_bound() -> None:
    started = time.monotonic()
    result = run_tool("while (true) {}", timeout_ms=300)
    assert time.monotonic() - started < 3
    assert result.error is not None and result.error.kind is ErrorKind.TIMEOUT
    assert "timed out after 300 ms" in result.content


def test_a_loop_after_await_that_v8_cannot_stop_is_killed_at_the_hard_bound() -> None:
    started = time.monotonic()
    result = run_tool("await null; for (;;) {}", timeout_ms=300)
    elapsed = time.monotonic() - started
    assert elapsed < 300 / 1000 + FAST.grace_s + 2
    assert result.error is not None and result.error.kind is ErrorKind.TIMEOUT
    assert "stopped by the engine" in result.content


def test_code_over_5000_characters_is_refused_without_running() -> None:
    code = "return 1;" + " " * 5_000
    result = run_tool(code)
    assert result.error is not None and result.error.kind is ErrorKind.CODE_TOO_LONG
    assert "5009 characters" in result.content and "at most 5000" in result.content
    assert run_tool("return 1;" + " " * (5_000 - 9)).successful  # exactly 5000 is allowed


def test_the_result_is_capped_at_15000_characters() -> None:
    result = run_tool('return "a".repeat(40000)', response_variables={"x": "x"})
    assert result.successful and result.truncated and result.content == "a" * 15_000


def test_fetch_is_not_supported_even_when_the_error_is_caught() -> None:
    for code in ('const r = await fetch("https://api.example.com/x"); return await r.json()',
                 'try { await fetch("https://x") } catch (e) {} return "pretend"'):  # fmt: skip
        result = run_tool(code, response_variables={"x": "x"})
        assert result.error is not None and result.error.kind is ErrorKind.JS_UNSUPPORTED
        assert "fetch is not supported by the local engine yet" in result.content
        assert result.variables == {}


def test_a_result_that_is_not_json_is_a_failure() -> None:
    result = run_tool("return {n: 10n}")
    assert result.error is not None and "cannot be turned into JSON" in result.content


def test_memory_is_limited() -> None:
    policy = JsPolicy(min_timeout_ms=100, memory_bytes=32 * 1024 * 1024)
    result = run_tool("const a = []; for (;;) a.push(new Array(1e5).fill(Math.random()));", policy, timeout_ms=20_000)
    assert result.error is not None
    assert result.error.kind in {ErrorKind.JS_ERROR, ErrorKind.TIMEOUT}
    assert "memory" in result.content or "timed out" in result.content


def test_code_node_uses_its_timeout_and_response_variables() -> None:
    node = {
        "id": "node-code",
        "name": "Compute",
        "type": "code",
        "code": "return {total: Number(dv.weight) + 1}",
        "wait_for_result": True,
        "response_variables": {"total": "total"},
        "timeout_ms": 5000,
    }
    result = run(ToolRunner(js_policy=FAST).run_code_node(node, CONTEXT))
    assert result.successful and dict(result.variables) == {"total": "5"}
    assert (result.call.type, result.call.name, result.call.tool_id) == ("code_node", "Compute", "node-code")
    node = {**node, "code": "while(true){}", "timeout_ms": 200}
    result = run(ToolRunner(js_policy=FAST).run_code_node(node, CONTEXT))
    assert result.error is not None and result.error.kind is ErrorKind.TIMEOUT
    assert "Code node 'Compute'" in result.content


@pytest.mark.parametrize(("timeout_ms", "expected"), [(None, 30.0), (1, 5.0), (12_000, 12.0), (600_000, 60.0)])
def test_retells_timeout_range_applies_by_default(timeout_ms: int | None, expected: float) -> None:
    assert JsPolicy().timeout_s(timeout_ms) == expected


def test_run_code_directly() -> None:
    call = ToolCall(name="calc", type="code")
    result = run(run_code(call, "return dv.a + dv.b", dv={"a": "1", "b": "2"}, policy=FAST))
    assert result.content == "12"
