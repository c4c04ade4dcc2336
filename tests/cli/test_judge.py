"""``retell-dsl judge calibrate`` against a real local HTTP server speaking OpenAI chat completions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retell_dsl.cli import app
from retell_dsl.conversations.calibration import load_items
from tests.sim.openai_fixtures import FakeOpenAIServer, openai_server

__all__ = ["openai_server"]

FLIPPED = {"order-status-wrong-order", "transfer-on-request"}  # the judge gets these two wrong


def _answer(server: FakeOpenAIServer, passed: bool, why: str = "") -> None:
    verdict = {"pass": passed, "explanation": why or ("Criterion met." if passed else "Criterion not met.")}
    server.enqueue_tool_calls(("record_verdict", json.dumps(verdict)))


def _run(server: FakeOpenAIServer, *args: str) -> tuple[int, str, str]:
    env = {"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "", "RETELL_DSL_JUDGE_MODEL": ""}
    result = CliRunner().invoke(app, ["judge", "calibrate", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_calibration_reports_agreement_kappa_confusion_and_disagreements(openai_server: FakeOpenAIServer) -> None:
    for item in load_items():
        agrees = item.id not in FLIPPED
        _answer(openai_server, (item.label == "pass") == agrees, "" if agrees else "The judge misread it.")
    code, out, err = _run(openai_server, "--model", "judge-7b", "--confirm", "0")
    assert code == 0, out + err
    assert "judging 16 labelled transcripts with judge-7b on http://127.0.0.1:" in err
    lines = out.splitlines()
    assert lines[:8] == [
        "Judge calibration of model judge-7b: 16 labelled transcripts",
        "",
        "  agreement      14/16 = 87.5%",
        "  Cohen's kappa  0.75 (substantial)",
        "",
        "                 judge: pass  judge: fail",
        "  label: pass              7            1",
        "  label: fail              1            7",
    ]
    assert "Disagreements (2):" in lines
    assert "  order-status-wrong-order: labelled fail, judged pass" in lines
    assert "  transfer-on-request: labelled pass, judged fail" in lines
    assert "    judge: The judge misread it." in lines
    assert max(len(line) for line in lines) <= 80
    assert "\x1b[" not in out  # plain text in a pipe
    first = openai_server.requests[0].body
    assert first["model"] == "judge-7b" and first["temperature"] == 0
    assert first["tool_choice"] == {"type": "function", "function": {"name": "record_verdict"}}
    prompt = first["messages"][1]["content"]
    assert "1. The agent tells the caller the status of the order" in prompt
    assert '[the agent called tool lookup_order({"order": "A17"}) -> {"status": "shipped"}]' in prompt


def test_a_failing_answer_is_re_asked_before_it_counts(openai_server: FakeOpenAIServer) -> None:
    for item in load_items():
        _answer(openai_server, False)  # a first "no" on every conversation, good or bad...
        _answer(openai_server, item.label == "pass")  # ...then the right answer: a "no" is confirmed
    code, out, _ = _run(openai_server, "--model", "judge-7b")
    assert code == 0
    assert "  agreement      16/16 = 100.0%" in out and "No disagreements." in out
    assert len(openai_server.requests) == 32


def test_min_kappa_gates_the_exit_status(openai_server: FakeOpenAIServer) -> None:
    for _ in load_items():
        _answer(openai_server, True)  # a judge that passes everything agrees by chance only
    code, out, err = _run(openai_server, "--model", "yes-man", "--confirm", "0", "--min-kappa", "0.6")
    assert code == 1
    assert "  Cohen's kappa  0.00 (slight)" in out
    assert "error: Cohen's kappa 0.00 is below --min-kappa 0.6" in err


def test_an_invalid_reply_is_listed_and_left_out(openai_server: FakeOpenAIServer) -> None:
    items = load_items()
    openai_server.enqueue_text("I think it passes.")  # no record_verdict call
    for item in items[1:]:
        _answer(openai_server, item.label == "pass")
    code, out, _ = _run(openai_server, "--model", "chatty", "--confirm", "0")
    assert code == 0
    assert "  agreement      15/15 = 100.0%" in out
    assert "No verdict (1):" in out
    assert "  order-status-shipped: " in out and "the model was required to call the\n    tool 'record_verdict'" in out


def test_no_judge_model_says_what_to_set(openai_server: FakeOpenAIServer) -> None:
    code, _, err = _run(openai_server)
    assert code == 1
    assert err.startswith("error: no judge model is configured: set --model NAME (or RETELL_DSL_JUDGE_MODEL=NAME")
    assert openai_server.requests == []


def test_an_unreachable_server_fails_in_one_line() -> None:
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "sk-not-shown"}
    result = CliRunner().invoke(app, ["judge", "calibrate", "--model", "m", "--timeout", "2"], env=env)
    assert result.exit_code == 1, repr(result.exception)
    (line,) = result.stderr.strip().splitlines()[-1:]
    assert line.startswith("error: the judge model m failed: ") and "127.0.0.1:9" in line
    assert "sk-not-shown" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ('{"items": []}', 'expected an object with a non-empty "items" list'),
        ('{"items": [{"id": "a", "criterion": "c", "label": "maybe", "transcript": [{}]}]}', "label must be"),
    ],
)
def test_a_bad_labelled_set_is_named(
    openai_server: FakeOpenAIServer, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "mine.json"
    path.write_text(content)
    code, _, err = _run(openai_server, "--model", "m", "--items", str(path))
    assert code == 1
    assert f"error: {path}" in err and message in err
