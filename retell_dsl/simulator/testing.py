"""Simulation tests on the local engine: one persona-driven text conversation per test-case definition, judged.

The simulated user is a :class:`~retell_dsl.sim.callers.PersonaCaller` playing the definition's
``user_prompt`` on its ``llm_model`` with Retell's stop rules (400 utterances, 10 minutes of
conversation, repetition, a silent agent); the agent runs as a chat with the definition's
``dynamic_variables`` and ``tool_mocks``. All ``metrics`` are then judged together in one call
(:mod:`retell_dsl.simulator.judge`). A run is ``error`` (not graded) when no model is
configured (the explanation says what to configure), when a stop rule or the time bound cut it
off, when the agent's engine failed, or when a model failed; its explanation says which.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from retell_dsl.emulator.engine_port import AgentSnapshot, SimulationResult
from retell_dsl.errors import RetellDSLError
from retell_dsl.sim.callers import PersonaCaller
from retell_dsl.sim.drive import converse
from retell_dsl.sim.events import EngineFailed
from retell_dsl.sim.models import Model, ModelError, NoModel
from retell_dsl.sim.outputs import chat_messages, chat_transcript, disconnection_reason
from retell_dsl.sim.runtime import CallFacts
from retell_dsl.simulator.judge import verdict
from retell_dsl.simulator.sessions import SessionFactory

__all__ = ["NO_MODEL_EXPLANATION", "run_test_case"]

NO_MODEL_EXPLANATION = (
    "No model is configured for simulation tests: the simulated user and the judge need one. Configure it in "
    "one of two ways: set OPENAI_BASE_URL (and OPENAI_API_KEY if the server needs one, RETELL_DSL_MODEL for "
    "the model name) before starting the emulator, or pass LocalEngine(model=..., judge_model=...) with an "
    "OpenAICompatible or a ScriptedModel."
)


def _variables(definition: Mapping[str, Any]) -> dict[str, str]:
    values = definition.get("dynamic_variables") or {}
    return {str(k): str(v) for k, v in values.items() if v is not None} if isinstance(values, Mapping) else {}


async def run_test_case(
    factory: SessionFactory,
    snapshot: AgentSnapshot,
    definition: Mapping[str, Any],
    *,
    persona_model: Model,
    judge_model: Model,
    timeout_s: float,
    max_turns: int,
) -> SimulationResult:
    """Hold and judge one test case's conversation, within ``timeout_s`` seconds."""
    if isinstance(persona_model, NoModel) or isinstance(judge_model, NoModel):
        return SimulationResult(status="error", result_explanation=NO_MODEL_EXPLANATION)
    try:
        async with asyncio.timeout(timeout_s):
            return await _run(
                factory,
                snapshot,
                definition,
                models=(persona_model, judge_model),
                timeout_s=timeout_s,
                max_turns=max_turns,
            )
    except TimeoutError:
        return SimulationResult(
            status="error", result_explanation=f"the test run did not finish within {timeout_s:g} s"
        )


async def _run(
    factory: SessionFactory,
    snapshot: AgentSnapshot,
    definition: Mapping[str, Any],
    *,
    models: tuple[Model, Model],
    timeout_s: float,
    max_turns: int,
) -> SimulationResult:
    persona_model, judge_model = models
    llm_model = definition.get("llm_model")
    try:
        persona = PersonaCaller(
            model=persona_model,
            user_prompt=str(definition.get("user_prompt") or ""),
            llm_model=llm_model if isinstance(llm_model, str) else None,
        )
        session = factory.session(
            snapshot,
            variables=_variables(definition),
            facts=CallFacts(session_type="chat", call_id=str(definition.get("test_case_definition_id") or "test")),
            tool_mocks=list(definition.get("tool_mocks") or []),
        )
    except RetellDSLError as err:
        return SimulationResult(status="error", result_explanation=f"the test case cannot run: {err}")
    done = await converse(session, persona, max_turns=max_turns, timeout_s=timeout_s)
    transcript = chat_messages(
        done.events, conversation_id=str(definition.get("test_case_definition_id")), start_timestamp=0
    )
    for message in transcript:
        message.pop("created_timestamp", None)
    if done.stopped:
        return SimulationResult(status="error", result_explanation=done.stopped, transcript=transcript)
    failed = next((e for e in reversed(done.events) if isinstance(e, EngineFailed)), None)
    if failed is not None:
        reason = disconnection_reason(done.events)
        return SimulationResult(
            status="error", result_explanation=f"the agent failed ({reason}): {failed.message}", transcript=transcript
        )
    metrics = [str(m) for m in definition.get("metrics") or []]
    try:
        passed, explanation = await verdict(
            judge_model,
            chat_transcript(done.events),
            metrics,
            llm_model=llm_model if isinstance(llm_model, str) else None,
        )
    except ModelError as err:
        return SimulationResult(status="error", result_explanation=f"the judge failed: {err}", transcript=transcript)
    return SimulationResult(status="pass" if passed else "fail", result_explanation=explanation, transcript=transcript)
