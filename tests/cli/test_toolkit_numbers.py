"""``retell-dsl numbers | kbs`` against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.toolkit_env import ToolkitCli


@pytest.fixture
def cli(tmp_path: Path) -> ToolkitCli:
    return ToolkitCli(tmp_path)


def test_numbers_buy_binds_agents(cli: ToolkitCli) -> None:
    ids = cli.seed()
    number = cli.json("numbers", "buy", "--area-code", "212", "--inbound-agent", ids["agent_id"],
                      "--outbound-agent", ids["agent_id"], "--nickname", "sales")  # fmt: skip
    assert number["inbound_agents"] == [{"agent_id": ids["agent_id"], "weight": 1}]
    assert number["outbound_agents"][0]["agent_id"] == ids["agent_id"]
    assert cli.json("numbers", "get", number["phone_number"]) == number
    out = cli.ok("numbers", "list")
    assert "Phone numbers (2)" in out and number["phone_number"] in out
    assert len(cli.json("numbers", "list", "--all")["items"]) == 2
    assert "sales" in cli.ok("numbers", "buy", "--toll-free", "--country", "US", "--nickname", "sales")
    assert "country_code: expected one of 'US', 'CA'" in cli.fails("numbers", "buy", "--country", "FR")


def test_numbers_import_update_delete(cli: ToolkitCli, tmp_path: Path) -> None:
    ids = cli.seed()
    secret = tmp_path / "trunk.json"
    secret.write_text(json.dumps({"sip_trunk_auth_password": "hunter2"}))
    imported = cli.json("numbers", "import", "--number", "+14155559999", "--termination-uri", "acme.pstn.twilio.com",
                        "--sip-username", "acme", "--file", str(secret))  # fmt: skip
    assert imported["phone_number_type"] == "custom"
    assert "hunter2" not in json.dumps(imported)
    assert "+14155559999" in cli.ok("numbers", "get", "+14155559999")
    updated = cli.json("numbers", "update", ids["number"], "--nickname", "main", "--inbound-agent", ids["agent_id"])
    assert updated["nickname"] == "main"
    assert updated["outbound_agents"][0]["agent_id"] == ids["agent_id"]  # untouched
    assert "main" in cli.ok("numbers", "update", ids["number"], "--nickname", "main")
    assert "termination_uri: missing required field" in cli.fails("numbers", "import", "--number", "+14155558888")
    assert "Deleted phone number" in cli.ok("numbers", "delete", "+14155559999", "--yes")
    assert cli.json("numbers", "delete", ids["number"], "--yes") == {"deleted": True, "phone_number": ids["number"]}
    assert "Retell API error 4" in cli.fails("numbers", "get", ids["number"])


def test_kbs(cli: ToolkitCli, tmp_path: Path) -> None:
    doc = tmp_path / "menu.txt"
    doc.write_text("Margherita: 10 dollars")
    kb = cli.json("kbs", "create", "--name", "faq", "--text", "Hours=9 to 5", "--url", "https://example.com",
                  "--upload", str(doc))  # fmt: skip
    kb_id = kb["knowledge_base_id"]
    assert kb["knowledge_base_name"] == "faq"
    fetched = cli.json("kbs", "get", kb_id)
    sources = fetched["knowledge_base_sources"]
    assert {s["type"] for s in sources} == {"text", "url", "document"}
    out = cli.ok("kbs", "get", kb_id)
    assert "Sources (3)" in out and sources[0]["source_id"] in out
    assert "faq" in cli.ok("kbs", "list")
    assert [k["knowledge_base_id"] for k in cli.json("kbs", "list")] == [kb_id]

    added = cli.json("kbs", "add-sources", kb_id, "--url", "https://example.com/prices")
    assert added["knowledge_base_id"] == kb_id
    assert "Knowledge base" in cli.ok("kbs", "add-sources", kb_id, "--text", "Parking=Free")
    source_id = sources[0]["source_id"]
    after = cli.json("kbs", "delete-source", kb_id, source_id, "--yes")
    assert source_id not in {s["source_id"] for s in after.get("knowledge_base_sources") or []}
    assert "cancelled" in cli.fails("kbs", "delete", kb_id, input="n\n")
    assert "Deleted knowledge base" in cli.ok("kbs", "delete", kb_id, "--yes")
    assert "No knowledge bases." in cli.ok("kbs", "list")


def test_kbs_bad_input(cli: ToolkitCli, tmp_path: Path) -> None:
    assert "--text: expected TITLE=TEXT" in cli.fails("kbs", "create", "--name", "x", "--text", "no-title")
    assert "no such file" in cli.fails("kbs", "create", "--name", "x", "--upload", str(tmp_path / "none.pdf"))
    assert "knowledge_base_name: missing required field" in cli.fails("kbs", "create", "--url", "https://a.com")
    assert "Retell API error 4" in cli.fails("kbs", "delete-source", "knowledge_base_x", "source_y", "--yes")
