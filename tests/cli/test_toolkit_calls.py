"""``retell-dsl calls | batch-calls`` against the emulator, and the call detail view."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retell_dsl.cli.toolkit._calls import build_call_filter
from retell_dsl.emulator import Emulator
from retell_dsl.emulator.domain.lifecycle import end_call, start_call
from retell_dsl.target import LOCAL_EMULATOR_KEY
from tests.cli.toolkit_env import ToolkitCli


@pytest.fixture
def cli(tmp_path: Path) -> ToolkitCli:
    return ToolkitCli(tmp_path)


def _finish(cli: ToolkitCli, call_id: str) -> None:
    emu = Emulator(str(cli.db), api_key=LOCAL_EMULATOR_KEY)
    start_call(emu.state, call_id)
    end_call(
        emu.state,
        call_id,
        transcript_object=[
            {"role": "agent", "content": "Hi, this is Pizza Palace.", "words": []},
            {"role": "user", "content": "One margherita please.", "words": []},
        ],
        call_analysis={"call_summary": "Ordered a pizza.", "user_sentiment": "Positive", "call_successful": True},
        call_cost={
            "product_costs": [{"product": "retell_platform", "cost": 7}],
            "total_duration_seconds": 30,
            "total_duration_unit_price": 0.1,
            "combined_cost": 7,
        },
    )


def test_phone_call_get_shows_transcript_analysis_cost(cli: ToolkitCli) -> None:
    ids = cli.seed()
    placed = cli.json("calls", "phone", "--from", ids["number"], "--to", "+14155550199", "--var", "name=Ada",
                      "--metadata", '{"crm": 7}')  # fmt: skip
    assert placed["call_status"] == "registered"
    assert placed["retell_llm_dynamic_variables"] == {"name": "Ada"}
    assert "Phone call" in cli.ok("calls", "phone", "--from", ids["number"], "--to", "+14155550198")
    _finish(cli, placed["call_id"])
    out = cli.ok("calls", "get", placed["call_id"])
    for text in ("Transcript", "Pizza Palace", "margherita", "Analysis", "Ordered a pizza.", "Positive",
                 "Cost: $0.0700", "ended", "agent_hangup"):  # fmt: skip
        assert text in out, text
    fetched = cli.json("calls", "get", placed["call_id"])
    assert fetched["call_analysis"]["user_sentiment"] == "Positive"
    assert "Transcript: none yet." in cli.ok("calls", "get", ids["call_id"])


def test_calls_list_filters(cli: ToolkitCli) -> None:
    ids = cli.seed()
    web = cli.json("calls", "web", "--agent-id", ids["agent_id"], "--var", "name=Ada")
    assert web["access_token"]
    assert "Web call" in cli.ok("calls", "web", "--agent-id", ids["agent_id"])
    everything = cli.json("calls", "list")
    assert {c["call_id"] for c in everything["items"]} >= {ids["call_id"], web["call_id"]}
    phone = cli.json("calls", "list", "--type", "phone_call", "--agent-id", ids["agent_id"])
    assert [c["call_id"] for c in phone["items"]] == [ids["call_id"]]
    assert cli.json("calls", "list", "--from-number", "+10000000000")["items"] == []
    assert cli.json("calls", "list", "--since", "2999-01-01")["items"] == []
    _finish(cli, ids["call_id"])  # an ended call has a start_timestamp
    until = cli.json("calls", "list", "--until", "2999-01-01T00:00:00", "--limit", "1")
    assert [c["call_id"] for c in until["items"]] == [ids["call_id"]]
    ended = cli.json("calls", "list", "--status", "ended", "--sentiment", "positive", "--since", "2000-01-01")
    assert [c["call_id"] for c in ended["items"]] == [ids["call_id"]]
    assert cli.json("calls", "list", "--status", "ongoing")["items"] == []
    assert cli.json("calls", "list", "--direction", "inbound", "--all")["items"] == []
    raw = cli.json("calls", "list", "--filter", '{"call_type": {"type": "enum", "op": "in", "value": ["web_call"]}}')
    assert web["call_id"] in {c["call_id"] for c in raw["items"]}
    assert {c["call_type"] for c in raw["items"]} == {"web_call"}
    out = cli.ok("calls", "list")
    assert "Calls (" in out and ids["call_id"] in out


def test_calls_list_bad_input(cli: ToolkitCli) -> None:
    assert "--since" in cli.fails("calls", "list", "--since", "yesterday")
    assert "--filter: not valid JSON" in cli.fails("calls", "list", "--filter", "{")
    assert "--filter: expected a JSON object" in cli.fails("calls", "list", "--filter", "[]")
    assert "filter_criteria.call_status.value[0]" in cli.fails("calls", "list", "--status", "finished")


def test_calls_update_and_delete(cli: ToolkitCli) -> None:
    ids = cli.seed()
    updated = cli.json("calls", "update", ids["call_id"], "--metadata", '{"crm_id": "42"}')
    assert updated["metadata"] == {"crm_id": "42"}
    assert "crm_id" in cli.ok("calls", "update", ids["call_id"], "--data-storage", "everything")
    assert "--metadata: not valid JSON" in cli.fails("calls", "update", ids["call_id"], "--metadata", "{x")
    assert "cancelled" in cli.fails("calls", "delete", ids["call_id"])
    assert "Deleted call" in cli.ok("calls", "delete", ids["call_id"], "--yes")
    assert "Retell API error 4" in cli.fails("calls", "get", ids["call_id"])


def test_calls_phone_bad_input(cli: ToolkitCli) -> None:
    assert cli.fails("calls", "phone", "--to", "+14155550123") == "error: from_number: missing required field"
    assert "--var: expected KEY=VALUE" in cli.fails("calls", "phone", "--var", "oops")


def test_batch_calls(cli: ToolkitCli, tmp_path: Path) -> None:
    ids = cli.seed()
    batch = cli.json("batch-calls", "create", "--from", ids["number"], "--to", "+14155550101", "--to",
                     "+14155550102", "--name", "promo", "--var", "offer=10%")  # fmt: skip
    assert (batch["name"], batch["total_task_count"]) == ("promo", 2)
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps({"tasks": [{"to_number": "+14155550103",
                                            "retell_llm_dynamic_variables": {"name": "Bo"}}]}))  # fmt: skip
    out = cli.ok("batch-calls", "create", "--from", ids["number"], "--file", str(tasks), "--at", "2999-01-01T09:00")
    assert "Batch call" in out and "batch_call_" in out
    assert "tasks: missing required field" in cli.fails("batch-calls", "create", "--from", ids["number"])


def test_build_call_filter_ranges_and_sentiment() -> None:
    assert build_call_filter(since_ms=5) == {"start_timestamp": {"type": "number", "op": "ge", "value": 5}}
    assert build_call_filter(until_ms=5) == {"start_timestamp": {"type": "number", "op": "le", "value": 5}}
    assert build_call_filter(sentiments=["negative"])["user_sentiment"]["value"] == ["Negative"]
    assert build_call_filter() == {}
