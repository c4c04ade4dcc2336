# ruff: noqa: PLR0917  (typer reads a command's options from its parameters)
"""``chat``: talk to an agent in the terminal, run locally by the conversation engine.

The agent comes from a stack (``retell-dsl chat app.py --agent NAME``: the stack is compiled and
its ``$ref:`` markers resolved to local ids, its knowledge-base texts indexed) or from the target
(``retell-dsl chat --agent-id ID``: the agent, its LLM or flow and the shared components it uses
are fetched as wire JSON through the SDK client). Either way the conversation runs in this
process (session type ``chat``), with the model the environment configures
(:func:`retell_dsl.sim.models.default_model`); a static or equation-only flow needs none.

Lines typed on stdin are the user's turns; ``/press 1`` sends keys, ``/silence MS`` stays silent,
``/interrupt TEXT`` speaks over the agent (a flow goes back to the node of your last turn, as
Retell does when a caller talks over a transition), ``/vars`` prints the variables, ``/quit``
(or end of input) ends the chat. Node and state transitions, tool calls and their results are
printed as they happen: styled on a terminal, plain marked lines (``[node] greet -> book``,
``agent: Hello``) when stdout is piped.
The exit status is 1 when the engine failed (the error is printed as one line), else 0.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

import typer

from retell_dsl.cli._stackcmd import EnvOpt, errors_exit
from retell_dsl.cli.toolkit._common import TargetOpt, abort, parse_pairs

if TYPE_CHECKING:
    from retell_dsl.builders.stack import Stack
    from retell_dsl.sim.events import Event
    from retell_dsl.sim.kb import KnowledgeBaseIndex
    from retell_dsl.sim.runtime import AgentEngine, Session, Synchronous

__all__ = ["ChatSource", "chat", "event_lines", "register", "source_from_stack", "tool_mocks"]

_REF = "$ref:"
_RESULT_WIDTH = 200


@dataclass
class ChatSource:
    """What a chat runs: the agent, its response engine, shared components, a KB index, swap targets."""

    agent: Mapping[str, Any]
    engine: Mapping[str, Any]
    components: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    kb: KnowledgeBaseIndex | None = None
    resolver: Callable[[str, int | None], AgentEngine | None] | None = None
    notes: list[str] = field(default_factory=list)


def _local_id(address: str) -> str:
    kind, _, name = address.partition(".")
    return f"local_{kind}_" + "".join(c if c.isalnum() else "_" for c in name)


def _resolve(value: Any, ids: Mapping[str, str]) -> Any:
    if isinstance(value, str) and value.startswith(_REF):
        return ids.get(value[len(_REF) :], value)
    if isinstance(value, Mapping):
        return {k: _resolve(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, ids) for v in value]
    return value


def _engine_of(agent: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Any] | None:
    engine = agent.get("response_engine")
    engine = engine if isinstance(engine, Mapping) else {}
    ref = engine.get("conversation_flow_id") or engine.get("llm_id")
    return by_id.get(str(ref)) if ref else None


def source_from_stack(stack: Stack, agent_name: str) -> ChatSource:
    """The chat source for agent ``agent_name`` of ``stack`` (compiled, references resolved locally).

    >>> from retell_dsl import Agent, RetellLLM, Stack
    >>> llm = RetellLLM(name="support", general_prompt="Be brief.", begin_message="Hi!")
    >>> stack = Stack(name="demo").add(llm, Agent(name="Support", voice="11labs-Adrian", engine=llm))
    >>> source_from_stack(stack, "Support").engine["begin_message"]
    'Hi!'
    >>> source_from_stack(stack, "Sales")
    Traceback (most recent call last):
    ...
    retell_dsl.ConfigurationError: stack 'demo' has no agent 'Sales' (agents: 'Support')
    """
    from retell_dsl import compile
    from retell_dsl.errors import ConfigurationError
    from retell_dsl.sim.kb import KnowledgeBaseIndex, Source
    from retell_dsl.sim.runtime import AgentEngine

    compiled = compile(stack)
    ids = {r.address: _local_id(r.address) for r in compiled.resources}
    payloads = {r.address: _resolve(dict(r.payload), ids) for r in compiled.resources}
    by_id = {ids[address]: payload for address, payload in payloads.items()}
    agents = {r.name: payloads[r.address] for r in compiled.resources if r.kind == "agent"}
    if agent_name not in agents:
        names = ", ".join(repr(n) for n in agents) or "none"
        raise ConfigurationError(f"stack {compiled.name!r} has no agent {agent_name!r} (agents: {names})")
    agent = {**agents[agent_name], "agent_id": ids[f"agent.{agent_name}"]}
    engine = _engine_of(agent, by_id)
    if engine is None:
        raise ConfigurationError(f"agent {agent_name!r}: its response engine is not a resource of the stack")
    source = ChatSource(agent=agent, engine=engine)
    kbs = [r for r in compiled.resources if r.kind == "knowledge_base"]
    if kbs:
        source.kb = KnowledgeBaseIndex()
        for r in kbs:
            kb = payloads[r.address]
            texts = [t for t in kb.get("knowledge_base_texts") or () if isinstance(t, Mapping)]
            sources = [
                Source(str(t.get("title", "")), str(t.get("text", "")), title=str(t.get("title", ""))) for t in texts
            ]
            source.kb.add(
                ids[r.address],
                sources,
                max_chunk_size=kb.get("max_chunk_size"),
                min_chunk_size=kb.get("min_chunk_size"),
            )
            if kb.get("knowledge_base_urls") or kb.get("knowledge_base_files"):
                source.notes.append(
                    f"knowledge base {r.name!r}: only its texts are searched locally (no URLs or files)"
                )

    def resolver(agent_id: str, _version: int | None) -> AgentEngine | None:
        target = by_id.get(agent_id)
        found = _engine_of(target, by_id) if target is not None else None
        return AgentEngine(agent={**target, "agent_id": agent_id}, engine=found) if target and found else None

    source.resolver = resolver
    return source


def _wire(obj: Any) -> dict[str, Any]:
    return dict(obj.to_dict(mode="json"))


def source_from_target(client: Any, agent_id: str) -> ChatSource:
    """The chat source for agent ``agent_id`` on the target: agent, LLM or flow, shared components."""
    from retell_dsl.sim.runtime import AgentEngine

    def fetch(wanted: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Mapping[str, Any]]]:
        agent = _wire(client.agent.retrieve(wanted))
        engine = agent.get("response_engine") or {}
        if engine.get("type") == "conversation-flow":
            flow = _wire(client.conversation_flow.retrieve(engine["conversation_flow_id"]))
            shared = {
                str(n["component_id"])
                for n in flow.get("nodes") or ()
                if n.get("type") == "component" and n.get("component_type") == "shared" and n.get("component_id")
            }
            comps: dict[str, Mapping[str, Any]] = {
                cid: _wire(client.conversation_flow_component.retrieve(cid)) for cid in sorted(shared)
            }
            return agent, flow, comps
        if engine.get("type") == "retell-llm":
            return agent, _wire(client.llm.retrieve(engine["llm_id"])), {}
        from retell_dsl.errors import ConfigurationError

        raise ConfigurationError(
            f"agent {wanted!r} uses a {engine.get('type')!r} response engine; chat runs only Retell LLMs and flows"
        )

    agent, engine, components = fetch(agent_id)
    source = ChatSource(agent=agent, engine=engine, components=components)
    if engine.get("knowledge_base_ids"):
        source.notes.append("knowledge bases are not fetched from the target; replies get no retrieved chunks")

    def resolver(wanted: str, _version: int | None) -> AgentEngine | None:
        found_agent, found_engine, found_components = fetch(wanted)
        return AgentEngine(agent=found_agent, engine=found_engine, components=found_components)

    source.resolver = resolver
    return source


def tool_mocks(pairs: Iterable[str]) -> list[dict[str, Any]]:
    """``--mock TOOL=JSON`` options as Retell tool mocks (``any`` rule: every call answers the JSON).

    >>> tool_mocks(['check_availability={"slots": ["9:00"]}'])
    [{'tool_name': 'check_availability', 'input_match_rule': {'type': 'any'}, 'output': '{"slots": ["9:00"]}'}]
    """
    out = []
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            abort(f"--mock: expected TOOL=JSON, got {pair!r}")
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            abort(f"--mock {name}: not valid JSON ({exc.msg} at column {exc.colno})")
        out.append({"tool_name": name, "input_match_rule": {"type": "any"}, "output": text})
    return out


def _one_line(text: str, width: int | None = None) -> str:
    line = " ".join(str(text).split())
    return line if width is None or len(line) <= width else line[: width - 1] + "…"


def event_lines(event: Event) -> list[tuple[str, str]]:
    """``(marker, text)`` lines for one event; marker ``agent``/``user`` are spoken lines, others ``[marker]``.

    >>> from retell_dsl.sim.events import NodeTransition
    >>> event_lines(NodeTransition(at_ms=0, former_node_id="begin", former_node_name="begin",
    ...                            new_node_id="greet", new_node_name="Greet"))
    [('node', 'begin -> Greet')]
    """
    from retell_dsl.sim import events as ev

    if isinstance(event, ev.Utterance):
        return [(event.role, event.content)]
    if isinstance(event, ev.NodeTransition):
        kind = "" if event.transition_type == "normal" else f" ({event.transition_type})"
        return [("node", f"{event.former_node_name} -> {event.new_node_name}{kind}")]
    if isinstance(event, ev.StateTransition):
        return [("state", f"{event.former_state or 'start'} -> {event.new_state}")]
    if isinstance(event, ev.ToolInvoked):
        return [("tool", f"{event.name} ({event.type}) {_one_line(event.arguments, _RESULT_WIDTH)}")]
    if isinstance(event, ev.ToolReturned):
        status = "" if event.successful else "failed: "
        return [("result", f"{status}{_one_line(event.content, _RESULT_WIDTH)} (via {event.source})")]
    if isinstance(event, ev.VariablesSet):
        return [("vars", ", ".join(f"{k}={_one_line(v, 60)}" for k, v in event.values.items()))]
    if isinstance(event, ev.KnowledgeRetrieved):
        return [("kb", f"{len(event.contents)} chunk(s) for {_one_line(event.query, 60)!r}")]
    if isinstance(event, ev.Dtmf):
        return [("dtmf", f"{event.digit} (by {event.by})")]
    if isinstance(event, ev.SmsSent):
        status = "sent" if event.successful else "failed"
        return [("sms", f"{status} to {event.to_number or 'the user'}: {_one_line(event.content, _RESULT_WIDTH)}")]
    if isinstance(event, ev.TransferAttempted):
        status = "" if event.successful else f" failed: {event.reason or ''}".rstrip()
        return [("transfer", f"{event.option} to {event.destination}{status}")]
    if isinstance(event, ev.AgentSwapped):
        return [("swap", f"to agent {event.agent_id}" + ("" if event.successful else " failed"))]
    if isinstance(event, ev.EngineFailed):
        return [("error", _one_line(event.message))]
    if isinstance(event, ev.Ended):
        return [("end", event.reason)]
    return []  # ModelUsed: not a conversation step


_STYLES = {"agent": "bold green", "user": "bold cyan", "error": "bold red", "end": "bold"}


class _View:
    """Prints event lines: rich styling on a terminal, plain marked lines when piped."""

    def __init__(self, *, echo_user: bool) -> None:
        self.echo_user = echo_user
        self.tty = sys.stdout.isatty()
        self.console: Any = None
        if self.tty:
            from rich.console import Console

            self.console = Console(highlight=False)

    def say(self, marker: str, text: str) -> None:
        if self.console is not None:
            from rich.text import Text

            label = f"{marker}: " if marker in ("agent", "user") else f"[{marker}] "
            style = _STYLES.get(marker, "dim")
            line = Text()
            line.append(label, style=style)
            line.append(text, style="" if marker in ("agent", "user", "error") else "dim")
            self.console.print(line)
        elif marker in ("agent", "user"):
            typer.echo(f"{marker}: {text}")
        else:
            typer.echo(f"[{marker}] {text}")

    def show(self, events: Iterable[Event]) -> None:
        for event in events:
            for marker, text in event_lines(event):
                if marker == "user" and not self.echo_user:
                    continue
                self.say(marker, text)

    def read(self) -> str | None:
        if self.console is not None and sys.stdin.isatty():
            try:
                return str(self.console.input("[bold cyan]you>[/] "))
            except EOFError:
                return None
        line = sys.stdin.readline()
        return None if line == "" else line.rstrip("\n")


_HELP = "commands: /press DIGITS, /silence MS, /interrupt TEXT, /vars, /help, /quit (or end of input)"


def _converse(session: Synchronous[Session], view: _View) -> int:
    """The read-print loop; returns the exit status."""
    view.show(session.start())
    while session.ended is None:
        line = view.read()
        if line is None or line.strip() in ("/quit", "/exit"):
            view.show(session.hang_up())
            break
        text = line.strip()
        if not text:
            continue
        command, _, rest = text.partition(" ")
        if command == "/vars":
            variables = session.variables
            view.say("vars", ", ".join(f"{k}={v}" for k, v in sorted(variables.items())) or "(none)")
        elif command == "/help":
            view.say("help", _HELP)
        elif command == "/press":
            from retell_dsl.errors import InvalidArgument

            try:
                view.show(session.press(rest.strip()))
            except InvalidArgument as exc:
                view.say("error", str(exc))
        elif command == "/silence":
            if not rest.strip().isdigit():
                view.say("error", "/silence takes milliseconds, e.g. /silence 5000")
                continue
            view.show(session.silence(int(rest.strip())))
        elif command == "/interrupt":
            if not rest.strip():
                view.say("error", "/interrupt takes what you say over the agent, e.g. /interrupt wait, no")
                continue
            view.show(session.interrupt(rest.strip()))
        elif command.startswith("/") and command[1:].isalpha():
            view.say("error", f"unknown command {command}; {_HELP}")
        else:
            view.show(session.user_says(line))
    from retell_dsl.sim.events import EngineFailed

    return 1 if any(isinstance(e, EngineFailed) for e in session.events) else 0


def chat(
    app: Annotated[
        str | None,
        typer.Argument(
            help="The stack: a Python file (app.py) or module:attribute holding a Stack, or a function(env) -> Stack.",
            show_default=False,
        ),
    ] = None,
    agent: Annotated[str | None, typer.Option("--agent", "-a", help="The stack's agent to talk to (its name).")] = None,
    agent_id: Annotated[
        str | None, typer.Option("--agent-id", help="Talk to this agent of the target instead.")
    ] = None,
    env: EnvOpt = "default",
    target: TargetOpt = "auto",
    var: Annotated[list[str] | None, typer.Option("--var", help="A dynamic variable, NAME=VALUE (repeatable).")] = None,
    mock: Annotated[
        list[str] | None, typer.Option("--mock", help="Answer a tool with fixed JSON, TOOL=JSON (repeatable).")
    ] = None,
    start_node: Annotated[str | None, typer.Option("--start-node", help="Start at this flow node id.")] = None,
    start_state: Annotated[str | None, typer.Option("--start-state", help="Start in this Retell LLM state.")] = None,
) -> None:
    """Talk to an agent in the terminal, its response engine run locally.

    Shows node and state transitions and tool calls as they happen. Type /press 1 to send keys,
    /vars to see the variables, /quit or end of input to stop. The model comes from the
    environment (OPENAI_BASE_URL, OPENAI_API_KEY, RETELL_DSL_MODEL); static flows need none.

        retell-dsl chat app.py --agent "Front desk" --var patient_name=Ada
        retell-dsl chat --agent-id agent_123 --mock check_availability='{"slots": []}'
    """
    variables = parse_pairs("--var", var) or {}
    mocks = tool_mocks(mock or ())
    if (app is None) == (agent_id is None):
        abort("give either APP with --agent NAME (a stack's agent) or --agent-id ID (an agent of the target)")
    with errors_exit():
        if app is not None:
            from retell_dsl.deploy import load_stack

            if not agent:
                abort("chat APP needs --agent NAME: the stack's agent to talk to")
            source = source_from_stack(load_stack(app, env), agent)
        else:
            from retell_dsl.cli.toolkit._common import make_client

            source = source_from_target(make_client(target), str(agent_id))
    for note in source.notes:
        typer.echo(f"note: {note}", err=True)
    from retell_dsl.sim.models import default_model
    from retell_dsl.sim.runtime import CallFacts, Session, StartAt

    start_at = StartAt(node_id=start_node, state=start_state) if start_node or start_state else None
    agent_key = str(source.agent.get("agent_id") or "")
    with errors_exit():
        session = Session.sync(
            agent=source.agent,
            engine=source.engine,
            components=source.components,
            model=default_model(),
            tool_mocks=mocks,
            variables=variables,
            facts=CallFacts(session_type="chat", call_id="chat_local", agent_id=agent_key),
            kb=source.kb,
            resolver=source.resolver,
            start_at=start_at,
        )
    with session:
        status = _converse(session, _View(echo_user=not sys.stdin.isatty()))
    raise typer.Exit(status)


def register(app: typer.Typer) -> None:
    """Add ``chat`` to the command line."""
    app.command("chat")(chat)
