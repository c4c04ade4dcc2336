"""Hypothesis properties: determinism (across processes and hash seeds), totality of validate,
schema acceptance, chain == kwargs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from retell.types import conversation_flow_create_params

from retell_dsl import (
    Agent,
    BranchNode,
    ConversationFlow,
    ConversationNode,
    EndNode,
    RetellLLM,
    compile,
    validate,
    when,
)
from retell_dsl.compiler.stack import raw_payload
from retell_dsl.wire import check_payload

ROOT = Path(__file__).resolve().parents[2]
names = st.text(alphabet="abcdefgh", min_size=1, max_size=3)


@st.composite
def flow_recipes(draw: st.DrawFn, *, valid: bool) -> dict[str, Any]:
    """A conversation flow as plain JSON data (see :func:`build_flow`), so a subprocess can rebuild it."""
    node_names = draw(st.lists(names, min_size=1, max_size=6, unique=True))
    pool = [*node_names, "end"] if valid else [*node_names, "end", "missing"]
    nodes: list[dict[str, Any]] = []
    for n in node_names:
        kind = draw(st.sampled_from(["talk", "branch", "always"]))
        if kind == "talk":
            edges = [
                [dest, draw(st.text(min_size=1, max_size=10).filter(str.strip))]
                for dest in draw(st.lists(st.sampled_from(pool), max_size=2))
            ]
            prompt = draw(st.text(max_size=20)) or "p"
            otherwise = "end" if valid else draw(st.sampled_from(pool))
            nodes.append({"name": n, "kind": kind, "prompt": prompt, "edges": edges, "otherwise": otherwise})
        elif kind == "branch":
            dest, value = draw(st.sampled_from(pool)), draw(st.integers())
            fallback: str | None = "end" if valid or draw(st.booleans()) else None
            nodes.append({"name": n, "kind": kind, "to": dest, "eq": value, "otherwise": fallback})
        else:
            nodes.append({"name": n, "kind": kind, "to": draw(st.sampled_from(pool))})
    start = node_names[0] if valid or draw(st.booleans()) else "nowhere"
    return {"nodes": nodes, "start": start}


def build_flow(recipe: dict[str, Any]) -> ConversationFlow:
    """The ConversationFlow a :func:`flow_recipes` recipe describes."""
    nodes: list[Any] = []
    for spec in recipe["nodes"]:
        n = spec["name"]
        if spec["kind"] == "talk":
            node: Any = ConversationNode(name=n, prompt=spec["prompt"])
            for dest, condition in spec["edges"]:
                node = node.to(dest, when=condition)
            node = node.otherwise(spec["otherwise"])
        elif spec["kind"] == "branch":
            node = BranchNode(name=n).to(spec["to"], when=when(n).eq(spec["eq"]))
            node = node.otherwise(spec["otherwise"]) if spec["otherwise"] is not None else node
        else:
            node = ConversationNode(name=n, static_text="ok").always(spec["to"])
        nodes.append(node)
    nodes.append(EndNode(name="end"))
    defaults = dict.fromkeys((spec["name"] for spec in recipe["nodes"]), "0")
    return ConversationFlow(
        name="f", nodes=tuple(nodes), start_node=recipe["start"], model="gpt-4.1", default_variables=defaults
    )


def flows(*, valid: bool) -> st.SearchStrategy[ConversationFlow]:
    return flow_recipes(valid=valid).map(build_flow)


#: Rebuilds every spec from scratch and prints the JSON of its compiled form (one line each).
_COMPILE_IN_CHILD = """
import importlib, json, sys
from retell_dsl import compile, to_json
from retell_dsl.compiler.stack import raw_payload
from tests.properties.test_properties import build_flow
job = json.load(sys.stdin)
out = [to_json(compile(importlib.import_module(name).stack)) for name in job["stacks"]]
out += [to_json(raw_payload(build_flow(recipe))) for recipe in job["recipes"]]
json.dump(out, sys.stdout)
"""
EXAMPLE_STACKS = ["examples.clinic_receptionist", "examples.outbound_reminders", "examples.support_agent"]


def compile_in_subprocesses(job: dict[str, Any], *hash_seeds: str) -> list[list[str]]:
    """Build and compile ``job``'s specs in fresh interpreters (run side by side), one per
    ``PYTHONHASHSEED``; the compiled JSON texts of each."""
    path = os.pathsep.join([str(ROOT), *sys.path])
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _COMPILE_IN_CHILD],
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": path},
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in hash_seeds
    ]
    results: list[list[str]] = []
    try:
        for child in children:
            out, err = child.communicate(json.dumps(job), timeout=180)
            assert child.returncode == 0, err
            result: list[str] = json.loads(out)
            assert len(result) == len(job["stacks"]) + len(job["recipes"])
            results.append(result)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait(timeout=10)
    return results


@pytest.mark.slow
@settings(max_examples=1, deadline=None, database=None, phases=[Phase.generate])
@given(st.lists(flow_recipes(valid=True), min_size=8, max_size=12))
def test_specs_compile_to_the_same_bytes_under_different_hash_seeds(recipes: list[dict[str, Any]]) -> None:
    """Every example stack and generated flows, each rebuilt and compiled in two interpreters."""
    job = {"stacks": EXAMPLE_STACKS, "recipes": recipes}
    first, second = compile_in_subprocesses(job, "1", "2718")
    assert first == second
    assert all('"agent_name"' in text for text in first[: len(EXAMPLE_STACKS)])  # really the compiled stacks
    assert all('"nodes"' in text for text in first[len(EXAMPLE_STACKS) :])


@settings(max_examples=60, deadline=None)
@given(flows(valid=False))
def test_validate_never_crashes(flow: ConversationFlow) -> None:
    issues = validate(flow)
    assert all(i.code.startswith("RD") for i in issues)


@settings(max_examples=40, deadline=None)
@given(flows(valid=True))
def test_valid_specs_compile_to_payloads_the_sdk_accepts(flow: ConversationFlow) -> None:
    issues = validate(flow)
    assert {i.code for i in issues.errors} <= {"RD105"}  # generated graphs may loop without an exit
    payload = raw_payload(flow)
    assert check_payload(payload, conversation_flow_create_params.ConversationFlowCreateParams) == []
    if not issues.errors:
        assert compile(flow) == payload


floats01 = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(
    speed=st.floats(min_value=0.5, max_value=2, allow_nan=False),
    responsiveness=floats01,
    silence=st.integers(min_value=10_000, max_value=600_000),
    keywords=st.lists(names, max_size=3),
    title=st.text(max_size=10),
)
def test_agent_chain_equals_keyword_constructor(
    speed: float, responsiveness: float, silence: int, keywords: list[str], title: str
) -> None:
    llm = RetellLLM(name="l")
    chained = (
        Agent(name="a", voice="v", engine=llm)
        .speech(speed=speed)
        .turn_taking(responsiveness=responsiveness)
        .limits(silence_ms=silence)
        .boost(*keywords)
        .version(title)
    )
    kw = Agent(
        name="a",
        voice="v",
        engine=llm,
        voice_speed=speed,
        responsiveness=responsiveness,
        end_call_after_silence_ms=silence,
        boosted_keywords=tuple(keywords),
        version_title=title,
    )
    assert chained == kw and hash(chained) == hash(kw)
