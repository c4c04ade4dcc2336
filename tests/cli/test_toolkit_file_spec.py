"""``--file`` takes a DSL spec as well as JSON: ``spec.py:llm``, ``module:attribute`` or a ``.py`` with one spec."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from tests.cli.toolkit_env import ToolkitCli

LLM_SPEC = """
from retell_dsl import RetellLLM

llm = RetellLLM(name="dentist", general_prompt="You book dentist appointments.", begin_message="Hi!")
"""

AGENT_SPEC = """
from retell_dsl import Agent, RetellLLM

llm = RetellLLM(name="dentist", general_prompt="You book dentist appointments.")
agent = Agent(name="Dentist", voice="11labs-Adrian", engine=llm)
"""


@pytest.fixture
def cli(tmp_path: Path) -> ToolkitCli:
    return ToolkitCli(tmp_path)


def write(path: Path, source: str) -> Path:
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def test_llm_spec_file_creates_the_llm(cli: ToolkitCli, tmp_path: Path) -> None:
    spec = write(tmp_path / "llm_spec.py", LLM_SPEC)
    created = cli.json("llms", "create", "--file", f"{spec}:llm", "--begin-message", "Hello!")
    assert (created["general_prompt"], created["begin_message"]) == ("You book dentist appointments.", "Hello!")
    stored = cli.client().llm.retrieve(created["llm_id"])
    assert stored.general_prompt == "You book dentist appointments."

    again = cli.json("llms", "create", "--file", str(spec))  # a .py file holding one spec needs no attribute
    assert (again["general_prompt"], again["begin_message"]) == ("You book dentist appointments.", "Hi!")
    assert again["llm_id"] != created["llm_id"]


def test_module_attribute_form(cli: ToolkitCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "file_spec_module.py", LLM_SPEC)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        created = cli.json("llms", "create", "--file", "file_spec_module:llm")
    finally:
        sys.modules.pop("file_spec_module", None)
    assert created["general_prompt"] == "You book dentist appointments."


def test_agent_spec_referencing_an_llm_object_asks_for_apply(cli: ToolkitCli, tmp_path: Path) -> None:
    spec = write(tmp_path / "agent_spec.py", AGENT_SPEC)
    assert cli.fails("agents", "create", "--file", f"{spec}:agent") == (
        f"error: --file: {spec}:agent refers to llm.dentist, which is not deployed: deploy the stack with"
        " `retell-dsl apply`, or reference existing ids (a flag such as --llm-id, or id strings in the spec)"
    )
    assert cli.json("agents", "list")["items"] == []

    llm_id = cli.json("llms", "create", "--file", f"{spec}:llm")["llm_id"]
    created = cli.json("agents", "create", "--file", f"{spec}:agent", "--llm-id", llm_id)  # the flag wins
    assert (created["agent_name"], created["response_engine"]["llm_id"]) == ("Dentist", llm_id)


def test_missing_attribute_is_one_line(cli: ToolkitCli, tmp_path: Path) -> None:
    spec = write(tmp_path / "llm_spec.py", LLM_SPEC)
    assert cli.fails("llms", "create", "--file", f"{spec}:lm") == f"error: --file: {spec} has no attribute 'lm'"
    assert cli.fails("llms", "create", "--file", str(tmp_path / "nowhere.py")) == (
        f"error: --file: no such file: {tmp_path / 'nowhere.py'}"
    )


def test_a_py_file_with_several_specs_needs_an_attribute(cli: ToolkitCli, tmp_path: Path) -> None:
    spec = write(tmp_path / "agent_spec.py", AGENT_SPEC)
    assert cli.fails("agents", "create", "--file", str(spec)) == (
        f"error: --file: {spec} defines 2 resource specs (agent, llm); name one as PATH.py:attribute"
    )


def test_a_spec_with_lint_errors_lists_them_then_fails(cli: ToolkitCli, tmp_path: Path) -> None:
    spec = write(tmp_path / "bad.py", "from retell_dsl import KnowledgeBase\nkb = KnowledgeBase(name='k' * 40)\n")
    result = cli.run("kbs", "create", "--file", f"{spec}:kb")
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [  # before any request: no "target:" line
        f"{spec}:2: error RD405 knowledge_base '{'k' * 40}': knowledge base name is 40 characters; Retell allows"
        " under 40",
        "    fix: shorten the name",
        f"error: --file: {spec}:kb has 1 lint error, listed above",
    ]


def test_json_files_still_work(cli: ToolkitCli, tmp_path: Path) -> None:
    payload = write(tmp_path / "llm.json", '{"general_prompt": "From JSON."}')
    assert cli.json("llms", "create", "--file", str(payload))["general_prompt"] == "From JSON."
    assert cli.fails("llms", "create", "--file", str(tmp_path / "missing.json")).startswith(
        f"error: --file: cannot read {str(tmp_path / 'missing.json')!r}"
    )
