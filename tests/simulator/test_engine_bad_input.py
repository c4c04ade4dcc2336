"""Property: with the local engine plugged in, fuzzed input at the conversational routes never 5xx.

And a refused request changes nothing.

The generic bad-input suite (:mod:`tests.emulator.test_bad_input`) runs without an engine, where
these routes answer 501 before reading much; here they run for real: chats (completion, end,
re-analysis, SMS), the playground, calls (web, phone, batch, live control, stop, re-analysis)
and batch tests, with path ids that hit real objects (an ongoing chat, an SMS-bound number, an
ongoing and an ended call).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retell_dsl.emulator import Emulator, EmuRequest, ManualClock
from retell_dsl.sim.models import NoModel
from retell_dsl.simulator import LocalEngine
from tests.emulator.test_bad_input import _assert_retell_shaped, _fill, bodies, content_types, json_values
from tests.simulator.agents import POINTS_FLOW, points_handler

EMU = Emulator(clock=ManualClock(), engine=LocalEngine(NoModel(), handlers={"lookup_points": points_handler}))
ROUTES = [
    ("POST", "/create-chat"),
    ("POST", "/create-chat-completion"),
    ("PATCH", "/end-chat/{chat_id}"),
    ("PUT", "/rerun-chat-analysis/{chat_id}"),
    ("POST", "/create-sms-chat"),
    ("POST", "/agent-playground-completion/{agent_id}"),
    ("POST", "/v3/create-web-call"),
    ("POST", "/v2/create-phone-call"),
    ("POST", "/create-batch-call"),
    ("PATCH", "/v2/update-live-call/{call_id}"),
    ("POST", "/v2/stop-call/{call_id}"),
    ("PUT", "/rerun-call-analysis/{call_id}"),
    ("POST", "/create-batch-test"),
]


def _seed(emu: Emulator) -> dict[str, str]:
    c = emu.client()
    flow = c.conversation_flow.create(**POINTS_FLOW)
    engine: Any = {"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id}
    chat_agent = c.chat_agent.create(response_engine=engine)
    voice = c.agent.create(response_engine=engine, voice_id="11labs-Adrian")
    number = c.phone_number.create(area_code=415, outbound_agents=[{"agent_id": voice.agent_id, "weight": 1}])
    c.phone_number.update(number.phone_number, outbound_sms_agents=[{"agent_id": chat_agent.agent_id, "weight": 1}])
    emu.add_phone_user("+12125550100", {"type": "script", "steps": [{"say": "Yes please"}]})
    chat = c.chat.create(agent_id=chat_agent.agent_id, retell_llm_dynamic_variables={"name": "Ann"})
    ended = c.call.create_web_call(agent_id=voice.agent_id).call_id
    emu.join_web_call(ended, caller={"type": "script", "steps": [{"say": "Yes please"}]})
    ongoing = c.call.create_web_call(agent_id=voice.agent_id).call_id
    emu.start_call(ongoing)  # ongoing, held by nobody: live control and stop-call find it
    return {
        "chat_id": chat.chat_id,
        "chat_agent_id": chat_agent.agent_id,
        "agent_id": voice.agent_id,
        "number": number.phone_number,
        "ended_call": ended,
        "ongoing_call": ongoing,
    }


IDS = _seed(EMU)
_names = [
    "chat_id", "content", "agent_id", "from_number", "to_number", "messages", "call_control",
    "fields_to_override", "tasks", "override_agent_id", "retell_llm_dynamic_variables", "metadata",
    "response_engine", "test_case_definition_ids", "dynamic_variables", "current_node_id", "tool_mocks",
]  # fmt: skip
_known = st.sampled_from([*IDS.values(), "+12125550100", "Yes please"])
_segment = st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="/?#"), min_size=1, max_size=40)
targeted = st.dictionaries(st.sampled_from(_names), _known | json_values, max_size=5).map(
    lambda d: json.dumps(d).encode()
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    route=st.sampled_from(ROUTES),
    path_value=st.sampled_from(list(IDS.values())) | _segment,
    body=bodies | targeted,
    content_type=content_types,
)
def test_any_input_at_a_conversational_route_with_the_engine_is_answered_cleanly(
    route: tuple[str, str], path_value: str, body: bytes, content_type: str
) -> None:
    method, template = route
    EMU.wait_idle(30, webhooks=False)
    before = EMU.dump()
    headers = {"authorization": f"Bearer {EMU.api_key}", "content-type": content_type}
    resp = EMU.handle(EmuRequest.build(method, _fill(template, path_value), "", headers, body))
    _assert_retell_shaped(resp.status, resp.body)
    assert resp.status != 501, resp.body  # with an engine, every one of these routes is emulated
    if resp.status >= 400:
        EMU.wait_idle(30, webhooks=False)
        assert EMU.dump() == before, f"{method} {template} changed state while answering {resp.status}"
