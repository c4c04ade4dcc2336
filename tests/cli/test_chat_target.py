"""``retell-dsl chat --agent-id``: an agent of the target (here the embedded emulator), run locally."""

from __future__ import annotations

from pathlib import Path

from tests.cli.toolkit_env import ToolkitCli

FLOW = {
    "start_speaker": "agent",
    "start_node_id": "hello",
    "nodes": [
        {
            "id": "hello",
            "type": "conversation",
            "name": "Hello",
            "instruction": {"type": "static_text", "text": "Hello {{name}}!"},
            "always_edge": {
                "id": "hello.always",
                "destination_node_id": "bye",
                "transition_condition": {"type": "prompt", "prompt": "Always"},
            },
        },
        {"id": "bye", "type": "end", "name": "Bye", "instruction": {"type": "static_text", "text": "Goodbye!"}},
    ],
}


def test_an_agent_of_the_target_is_fetched_and_run_locally(tmp_path: Path) -> None:
    cli = ToolkitCli(tmp_path)
    client = cli.client()
    flow = client.conversation_flow.create(**FLOW)  # type: ignore[arg-type]
    agent = client.agent.create(
        voice_id="11labs-Adrian",
        response_engine={"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id},
    )
    result = cli.run("chat", "--agent-id", agent.agent_id, "--var", "name=Ada", input="hi there\n")
    assert result.stdout.splitlines() == [
        "[node] begin -> Hello",
        "agent: Hello Ada!",
        "user: hi there",
        "[node] Hello -> Bye",
        "agent: Goodbye!",
        "[end] agent_hangup",
    ]
    assert result.exit_code == 0
    assert f"target: embedded Retell emulator (at {cli.db})" in result.stderr


def test_an_unknown_agent_id_is_a_one_line_error(tmp_path: Path) -> None:
    line = ToolkitCli(tmp_path).fails("chat", "--agent-id", "agent_nope")
    assert line.startswith("error: ") and "agent_nope" in line
