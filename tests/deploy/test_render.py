"""What reviewers read: plan output, snapshotted (ids are deterministic on a fresh emulator)."""

from __future__ import annotations

from pathlib import Path

from syrupy.assertion import SnapshotAssertion

from retell_dsl.deploy import Project
from retell_dsl.deploy.render import plain, plan_lines
from retell_dsl.emulator import Emulator
from tests.deploy.stacks import LONG_PROMPT, support


def test_create_plan(tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    client = Emulator().client()
    plan = Project(tmp_path, environment="staging").plan(support(), client)
    assert plain(plan_lines(plan)) == snapshot


def test_update_plan_shows_a_unified_diff_for_a_long_prompt(tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    client = Emulator().client()
    project = Project(tmp_path, environment="staging")
    project.apply(project.plan(support(), client, publish=True), client)
    edited = LONG_PROMPT.replace("under three sentences", "under two sentences")
    plan = project.plan(support(prompt=edited, voice="cartesia-Cimo", with_number=False), client, publish=True)
    text = plain(plan_lines(plan))
    assert "-Keep answers under three sentences." in text and "+Keep answers under two sentences." in text
    assert text == snapshot


def test_delete_plan_with_protection_warning(tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    client = Emulator().client()
    project = Project(tmp_path, environment="staging", concurrency=1)  # one order of creates: one set of ids
    project.apply(project.plan(support(with_sales=True), client), client)
    plan = project.plan(support(with_number=False), client)
    assert plain(plan_lines(plan, show_unchanged=True)) == snapshot
