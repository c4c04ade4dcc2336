"""Target resolution: emulator by default, live with RETELL_API_KEY, secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from retell_dsl.errors import ConfigurationError
from retell_dsl.target import resolve_target


def test_auto_is_the_emulator_without_a_key(tmp_path: Path) -> None:
    target = resolve_target("auto", emulator_db=tmp_path / "e.sqlite", environ={})
    assert target.kind == "emulator"
    assert target.describe() == f"embedded Retell emulator (at {tmp_path / 'e.sqlite'})"
    llm = target.client().llm.create(general_prompt="persisted")
    again = resolve_target("emulator", emulator_db=tmp_path / "e.sqlite", environ={})
    assert again.client().llm.retrieve(llm.llm_id).general_prompt == "persisted"


def test_auto_is_live_with_a_key_and_the_key_is_never_shown() -> None:
    env = {"RETELL_API_KEY": "key_supersecret000000000000000000", "RETELL_BASE_URL": "https://example.test"}
    target = resolve_target("auto", environ=env)
    assert target.kind == "live"
    assert target.describe() == "live Retell API at https://example.test"
    assert "supersecret" not in repr(target) and "supersecret" not in target.describe()
    assert target.client().base_url == "https://example.test"


def test_live_without_a_key_says_how_to_fix_it() -> None:
    with pytest.raises(ConfigurationError, match="needs RETELL_API_KEY in the environment"):
        resolve_target("live", environ={})


def test_unknown_target_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="unknown target 'staging'"):
        resolve_target("staging", environ={})


def test_the_emulator_target_holds_conversations_unless_the_engine_is_off(tmp_path: Path) -> None:
    on = resolve_target("emulator", emulator_db=str(tmp_path / "a.sqlite"), environ={})
    assert on.emulator.engine is not None
    off = resolve_target("emulator", emulator_db=str(tmp_path / "b.sqlite"), environ={"RETELL_DSL_ENGINE": "off"})
    assert off.emulator.engine is None
