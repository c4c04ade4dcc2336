"""``retell-dsl import``: write existing agents as code, adopt them, and plan shows no changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from retell_dsl import compile, resolve_refs
from retell_dsl.cli import _import
from retell_dsl.deploy import Project, StateFile, load_stack
from retell_dsl.emulator import Emulator
from retell_dsl.target import LOCAL_EMULATOR_KEY
from tests.importer.roundtrip import comparable, deploy

ENV = "staging"


def _run(db: Path, *args: str) -> Result:
    app = typer.Typer()

    @app.callback()
    def _root() -> None: ...

    _import.register(app)
    env = {"RETELL_DSL_EMULATOR_DB": str(db), "RETELL_API_KEY": None, "RETELL_DSL_TARGET": None, "COLUMNS": "120"}
    return CliRunner().invoke(app, ["import", *args], env=env)


@pytest.fixture
def emulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    """The support example deployed on an emulator database; the cwd is a fresh tmp dir."""
    from examples.support_agent import stack

    db = tmp_path / "emulator.sqlite"
    ids = deploy(Emulator(str(db), api_key=LOCAL_EMULATOR_KEY).client(), stack)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return db, ids


def test_import_writes_code_that_compiles_to_the_same_objects_and_adopts_them(
    emulated: tuple[Path, dict[str, str]],
) -> None:
    db, ids = emulated
    agent_id = ids["agent.Acme support"]
    result = _run(db, "--agent", agent_id, "-o", "app.py", "--env", ENV, "--target", "emulator", "--name", "support")
    assert result.exit_code == 0, result.output
    assert f"target: embedded Retell emulator (at {db})" in result.stderr
    out = result.stdout
    assert f"imported 3 objects from agents {agent_id}:" in out
    assert "wrote app.py" in out
    assert "adopted 3 into " in out
    assert f"next: retell-dsl plan app.py --env {ENV}" in out

    # the file compiles to the payloads that were imported
    path = Path.cwd() / "app.py"
    compiled = compile(load_stack(str(path), ENV))
    state = StateFile.load(Path.cwd() / ".retell" / "state" / f"{ENV}.json", environment=ENV)
    adopted = {address: owned.remote_id for address, owned in state.items()}
    assert adopted["agent.Acme support"] == agent_id
    assert adopted["llm.Acme support"] == ids["llm.support"]
    assert set(adopted) == set(compiled.addresses)
    remote_ids = {a: rid for a, rid in adopted.items() if rid}
    client = Emulator(str(db), api_key=LOCAL_EMULATOR_KEY).client()
    for r in compiled.resources:
        owned = state.get(r.address)
        assert owned is not None and owned.payload is not None
        assert comparable(resolve_refs(dict(r.payload), remote_ids)) == comparable(owned.payload), r.address

    # and the deploy layer sees nothing to do
    plan = Project(Path.cwd(), environment=ENV).plan(load_stack(str(path), ENV), client)
    assert [(s.action, s.address) for s in plan.steps] == []
    assert not plan.has_changes


def test_no_adopt_leaves_state_alone(emulated: tuple[Path, dict[str, str]]) -> None:
    db, ids = emulated
    result = _run(db, "--agent", ids["agent.Acme support"], "-o", "app.py", "--target", "emulator", "--no-adopt")
    assert result.exit_code == 0, result.output
    assert "adopted nothing (--no-adopt)" in result.stdout
    assert (Path.cwd() / "app.py").exists()
    assert not (Path.cwd() / ".retell" / "state").exists()


def test_refuses_to_overwrite_unless_forced(emulated: tuple[Path, dict[str, str]]) -> None:
    db, ids = emulated
    Path("app.py").write_text("# mine\n", encoding="utf-8")
    args = ("--agent", ids["agent.Acme support"], "-o", "app.py", "--target", "emulator")
    refused = _run(db, *args)
    assert refused.exit_code == 1
    assert refused.stderr.strip().splitlines() == ["error: app.py exists; pass --force to overwrite it"]
    assert Path("app.py").read_text(encoding="utf-8") == "# mine\n"
    forced = _run(db, *args, "--force")
    assert forced.exit_code == 0, forced.output
    assert "stack = Stack(" in Path("app.py").read_text(encoding="utf-8")


def test_refuses_to_adopt_over_other_objects_in_state(emulated: tuple[Path, dict[str, str]]) -> None:
    db, ids = emulated
    state = StateFile.load(Path.cwd() / ".retell" / "state" / "default.json", environment="default", writable=True)
    state.record("llm.Acme support", kind="llm", remote_id="llm_other", payload={})
    result = _run(db, "--agent", ids["agent.Acme support"], "-o", "app.py", "--target", "emulator")
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()[1:]
    assert "already manages other objects at llm.Acme support (state: llm_other" in line
    assert not Path("app.py").exists()


def test_bad_agent_id_is_one_line_and_exit_1(emulated: tuple[Path, dict[str, str]]) -> None:
    db, _ = emulated
    result = _run(db, "--agent", "agent_nope", "-o", "app.py", "--target", "emulator")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("target: embedded Retell emulator")
    assert len(lines) == 2
    assert lines[1].startswith("error: cannot import agent_nope: Retell API error 4")
    assert not Path("app.py").exists()


EXPORT: dict[str, Any] = {
    "agent_id": "agent_exported",
    "agent_name": "Front desk",
    "voice_id": "11labs-Adrian",
    "response_engine": {"type": "retell-llm", "llm_id": "llm_exported"},
    "language": "en-US",
    "retellLlmData": {
        "llm_id": "llm_exported",
        "model": "gpt-4.1",
        "general_prompt": "You are the front desk.\nBe brief and kind.",
        "begin_message": "Hello, how can I help?",
        "start_speaker": "agent",
    },
}


def test_from_json_reads_a_dashboard_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("export.json").write_text(json.dumps(EXPORT), encoding="utf-8")
    result = _run(tmp_path / "unused.sqlite", "--from-json", "export.json", "-o", "app.py")
    assert result.exit_code == 0, result.output
    assert "target:" not in result.stderr  # no API is used
    assert "imported 2 objects from export.json:" in result.stdout
    assert "agent_exported" in result.stdout
    compiled = compile(load_stack("app.py", "default"))
    assert sorted(compiled.addresses) == ["agent.Front desk", "llm.Front desk"]
    llm = compiled["llm.Front desk"].payload
    assert llm["general_prompt"] == "You are the front desk.\nBe brief and kind."
    state = StateFile.load(tmp_path / ".retell" / "state" / "default.json", environment="default")
    assert {a: o.remote_id for a, o in state.items()} == {
        "agent.Front desk": "agent_exported",
        "llm.Front desk": "llm_exported",
    }


def test_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.json").write_text("{", encoding="utf-8")
    bad_json = "error: --from-json: 'bad.json' is not valid JSON (line 1: Expecting property name enclosed in"
    bad_json += " double quotes)"
    cases = [
        (("-o", "app.py"), "error: give either --agent ID (one or more) or --from-json FILE"),
        (("--agent", "a", "--from-json", "bad.json", "-o", "app.py"),
         "error: give either --agent ID (one or more) or --from-json FILE"),
        (("--from-json", "bad.json", "-o", "app.py"),
         bad_json),
        (("--from-json", "missing.json", "-o", "app.py"),
         "error: --from-json: cannot read 'missing.json': No such file or directory"),
    ]  # fmt: skip
    for args, message in cases:
        result = _run(tmp_path / "emulator.sqlite", *args)
        assert result.exit_code == 1, args
        assert result.stderr.strip().splitlines() == [message]
    assert not Path("app.py").exists()


def test_help_teaches_with_examples() -> None:
    result = _run(Path("unused"), "--help")
    assert result.exit_code == 0
    assert "retell-dsl import --from-json export.json -o app.py" in result.stdout
    assert "--no-adopt" in result.stdout


def test_import_json_summary_and_no_journal_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "emu.sqlite"
    client = Emulator(db, api_key=LOCAL_EMULATOR_KEY).client()
    llm = client.llm.create(general_prompt="Hi.")
    agent = client.agent.create(response_engine={"type": "retell-llm", "llm_id": llm.llm_id}, voice_id="openai-Nova")
    result = _run(db, "--agent", agent.agent_id, "-o", "app.py", "--target", "emulator", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["written"] == "app.py"
    assert {r["kind"] for r in data["resources"]} == {"llm", "agent"}
    assert sorted(data["adopted"]) == sorted(r["address"] for r in data["resources"])
    state_dir = tmp_path / ".retell" / "state"
    assert (state_dir / "default.json").exists() and not (state_dir / "default.journal").exists()


def test_imported_secrets_become_env_markers_and_never_reach_code_or_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    secret, key = "CANARY-import-bearer-7f3a", "CANARY-import-mcp-1c9e"
    llm = {
        "llm_id": "llm_exported", "general_prompt": "Help.",
        "general_tools": [{"type": "custom", "name": "lookup", "description": "Look up.", "url": "https://x.example",
                           "headers": {"Authorization": secret}}],
        "mcps": [{"name": "crm", "url": "https://mcp.example", "headers": {"x-api-key": key}}],
    }  # fmt: skip
    Path("export.json").write_text(json.dumps(llm), encoding="utf-8")
    result = _run(tmp_path / "unused.sqlite", "--from-json", "export.json", "-o", "app.py", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["secrets"] == ["CRM_X_API_KEY", "LOOKUP_AUTHORIZATION"]
    source = Path("app.py").read_text()
    assert '"$env:LOOKUP_AUTHORIZATION"' in source and '"$env:CRM_X_API_KEY"' in source
    for path in [*tmp_path.rglob("*.json"), *tmp_path.rglob("*.py"), *tmp_path.rglob("*.journal")]:
        if path.name != "export.json":
            text = path.read_text()
            assert secret not in text and key not in text, path
    assert secret not in result.output and key not in result.output
    state = StateFile.load(tmp_path / ".retell" / "state" / "default.json", environment="default")
    headers = state.get("llm.llm_exported").payload["general_tools"][0]["headers"]  # type: ignore[union-attr,index]
    assert headers["Authorization"].startswith("$env:LOOKUP_AUTHORIZATION@hmac-sha256:")  # sealed, not the value


def test_import_from_a_directory_imports_every_export_into_one_stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = Path(__file__).parents[1] / "importer" / "corpus"
    exports = tmp_path / "exports"
    exports.mkdir()
    for name in ("dashboard_flow_older_shapes.json", "llm_states_empty_lists.json"):
        (exports / name).write_text((corpus / name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = _run(tmp_path / "emu.sqlite", "--from-json", str(exports), "-o", "app.py", "--no-adopt")
    assert result.exit_code == 0, result.output
    assert "imported 4 objects from " in result.stdout
    assert "note: flow 'conversation_flow_corpus1': upgraded: model_temperature, model_choice" in result.stdout
    stack = load_stack(str(tmp_path / "app.py"), "default")
    assert sorted(r.address for r in compile(stack).resources) == [
        "agent.Bakery desk", "agent.Support line", "conversation_flow.Bakery desk", "llm.Support line",
    ]  # fmt: skip


def test_import_from_an_empty_directory_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "none").mkdir()
    result = _run(tmp_path / "emu.sqlite", "--from-json", str(tmp_path / "none"), "-o", "app.py", "--no-adopt")
    assert result.exit_code != 0 and "holds no *.json export" in result.output
