"""Dynamic variables as Retell substitutes them, system variables from an injectable clock, and where they apply."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from retell_dsl.sim.events import Event, TransferAttempted, Utterance
from retell_dsl.sim.runtime import CallFacts, ManualClock
from tests.sim.runtime_helpers import edge, flow, node, session, static

T0 = int(dt.datetime(2024, 3, 29, 6, 46, tzinfo=dt.UTC).timestamp() * 1000)  # Thu 28 Mar 2024, 11:46 PM in LA
PHONE = CallFacts(call_type="phone_call", call_id="call_9", from_number="+14155550111", to_number="+14155550100")


def spoken(
    text: str, *, facts: CallFacts | None = None, defaults: dict[str, str] | None = None, **variables: str
) -> str:
    f = flow(node("hi", instruction=static(text)), default_dynamic_variables=defaults or {})
    s = session(f, variables=variables, clock=ManualClock(T0), facts=facts or CallFacts())
    events = asyncio.run(s.start())
    said = [e for e in events if isinstance(e, Utterance)]
    return said[0].content if said else ""


@pytest.mark.parametrize(
    ("text", "variables", "defaults", "facts", "expected"),
    [
        ("Hi {{ name }}!", {"name": "Ann"}, None, None, "Hi Ann!"),
        ("Hi {{name}}, {{missing}}", {"name": "Ann"}, None, None, "Hi Ann, {{missing}}"),
        ("Hi {{name}}", {}, {"name": "there"}, None, "Hi there"),
        ("[{{name}}]", {"name": ""}, {"name": "there"}, None, "[]"),
        ("{{current_time_{{tz}}}}", {"tz": "Europe/Paris"}, None, None, "Friday, March 29, 2024 at 07:46 AM CET"),
        ("{{current_time}}", {}, None, None, "Thursday, March 28, 2024 at 11:46 PM PDT"),
        ("{{current_hour}}", {}, None, None, "23"),
        ("{{session_type}} {{call_id}} {{call_type}}", {}, None, None, "voice call_local web_call"),
        (
            "{{session_type}} {{chat_id}} {{call_id}}",
            {},
            None,
            CallFacts(session_type="chat", call_id="chat_1"),
            "chat chat_1 {{call_id}}",
        ),
        (
            "{{user_number}} {{agent_number}} {{direction}} {{call_id}}",
            {},
            None,
            PHONE,
            "+14155550111 +14155550100 inbound call_9",
        ),
        ("{{user_number}}", {}, None, None, "{{user_number}}"),
        ("{{current_node}}", {}, None, None, "hi"),
        ("{{session_duration_ms}}", {}, None, None, "0"),
        ("{{name}}", {"name": "Ann"}, {"name": "there"}, None, "Ann"),
    ],
    ids=[
        "trimmed",
        "missing stays raw",
        "default",
        "empty skips default",
        "nested",
        "current time",
        "hour",
        "voice system",
        "chat system",
        "phone numbers",
        "no number on web",
        "current node",
        "duration",
        "given beats default",
    ],
)
def test_variable_rules(
    text: str, variables: dict[str, str], defaults: dict[str, str] | None, facts: CallFacts | None, expected: str
) -> None:
    assert spoken(text, facts=facts, defaults=defaults, **variables) == expected


def test_variables_apply_to_transfer_numbers_tool_descriptions_and_prompts() -> None:
    from retell_dsl.sim.models import Rule, ScriptedModel

    f = flow(
        node(
            "x",
            "transfer_call",
            transfer_destination={"type": "predefined", "number": "{{ desk }}"},
            edge=edge("e", "x", "Transfer failed"),
        )
    )
    events = asyncio.run(session(f, variables={"desk": "+1999"}, facts=PHONE).start())
    assert [e.destination for e in events if isinstance(e, TransferAttempted)] == ["+1999"]

    llm = {
        "begin_message": "",
        "general_prompt": "Help {{who}}.",
        "general_tools": [
            {"type": "custom", "name": "t", "url": "https://x.example/{{who}}", "description": "Look {{who}} up"}
        ],
    }
    model = ScriptedModel(Rule().say("ok"))
    asyncio.run(session(llm, model, variables={"who": "Ann"}).user_says("hi"))
    request = model.calls[0]
    assert request.messages[0].content == "Help Ann." and request.tools[0].description == "Look Ann up"


def test_tool_urls_are_substituted_before_the_request() -> None:
    import httpx

    from retell_dsl.sim.models import Rule, ScriptedModel

    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(f"{scope['path']}?{scope['query_string'].decode()}")
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"ok": true}'})

    tool = {
        "type": "custom",
        "name": "lookup",
        "url": "https://tools.example/orders/{{order}}",
        "query_params": {"who": "{{name}}"},
    }
    model = ScriptedModel(Rule(user="order", times=1).call("lookup"), Rule().say("Found it."))
    s = session(
        {"begin_message": "", "general_tools": [tool]},
        model,
        asgi_apps={"lookup": app},
        variables={"order": "A7", "name": "Ann"},
    )
    events: tuple[Event, ...] = asyncio.run(s.user_says("my order"))
    assert seen == ["/orders/A7?who=Ann"] and events[-1].content == "Found it."  # type: ignore[attr-defined]
    assert httpx is not None


@pytest.mark.parametrize(
    "text",
    [
        "Hi {{ name }}, {{missing}} and {{empty}}.",
        "{{{name}}}",
        "{{name}} }} {{",
        "{{current_time_{{zone}}}}",
        "a { b } {{name}}",
        "{{}} {{ }} {{name}}{{name}}",
        "no references at all",
    ],
)
def test_the_engines_substitution_matches_the_wire_rules(text: str) -> None:
    from retell_dsl.sim.runtime.core import Core
    from retell_dsl.wire.variables import substitute

    core = Core.for_tests()
    core.values.update(name="Ann", empty="", zone="UTC")
    assert core.substitute(text) == substitute(text, core.scope)
