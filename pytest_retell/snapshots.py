"""Syrupy extensions for conversations and compiled payloads: stable across reruns, readable in diffs.

:class:`TranscriptSnapshotExtension` stores a conversation (a
:class:`~retell_dsl.conversations.CallResult`, or a chat / playground, read with ``.result()``)
as text, one event a line (``agent: …``, ``user: …``, ``→ node …``, ``tool name(args) → result``),
in ``__snapshots__/<test file>/<test>.txt``. :class:`PayloadSnapshotExtension` stores a compiled
stack or resource (or a ``Stack`` / builder, compiled first, or any payload mapping, e.g. an SDK
object) as sorted JSON in ``<test>.json``. A failing comparison shows syrupy's line diff; run
``pytest --snapshot-update`` to accept the new form.

What would change from run to run is normalised: Retell and emulator ids (``chat_…``,
``agent_…``, ``llm_…`` …) become ``<chat 1>``, ``<agent 1>`` in order of first appearance;
date-times and epoch milliseconds become ``<timestamp>``; durations, latency and costs are left
out of transcripts and become placeholders in payloads. Secrets never reach a file: a sealed
``$env:NAME@hmac-sha256:…`` marker is written as ``$env:NAME``, values under secret-looking keys
(``password``, ``api_key``, ``Authorization`` …) as ``<redacted>``, and the value of any
secret-looking environment variable (``*KEY*``, ``*TOKEN*``, ``*SECRET*``, ``*PASSWORD*``) found
anywhere as ``<redacted>``.

>>> from retell_dsl.conversations import CallResult, events_of
>>> result = CallResult(id="chat_3f2a9c41d0e5b6a7c8d9e0f1a2b", kind="chat", agent_id="agent_9be1d2c3f4a5b6c7d8e9f0a1b2",
...     status="ended", end_reason="agent_hangup", events=events_of([
...     {"role": "node_transition", "former_node_name": "begin", "new_node_name": "greet"},
...     {"role": "agent", "content": "Hi! It is 2026-05-01T09:30:00Z."},
...     {"role": "tool_call_invocation", "tool_call_id": "t1", "name": "lookup", "arguments": '{"id": 7}'},
...     {"role": "tool_call_result", "tool_call_id": "t1", "content": '{"ok": true}'}]))
>>> print(render_transcript(result))
chat <chat 1> · agent <agent 1> · ended · agent_hangup
→ node greet
agent: Hi! It is <timestamp>.
tool lookup({"id": 7}) → {"ok": true}
<BLANKLINE>

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

if TYPE_CHECKING:
    from syrupy.assertion import SnapshotAssertion

    from retell_dsl.conversations import CallResult, Event

__all__ = [
    "PayloadSnapshotExtension",
    "TranscriptSnapshotExtension",
    "normalise",
    "render_payload",
    "render_transcript",
    "retell_payload_snapshot",
    "retell_transcript_snapshot",
]

# Patterns are kept as text and compiled on first use (re caches them): importing the plugin stays cheap.
#: Retell's id prefixes (longest first, so ``conversation_flow_component_`` wins over ``conversation_flow_``).
_ID_KINDS = (
    "conversation_flow_component", "conversation_flow", "test_case_batch_job", "test_case_definition",
    "test_case_job", "knowledge_base", "batch_call", "phone_number", "source", "agent", "chat", "call", "llm",
    "org", "kb",
)  # fmt: skip
#: An id: a known prefix and 10+ letters/digits, at least one a digit (so a tool named ``call_supervisor`` stays).
_ID = r"\b(" + "|".join(_ID_KINDS) + r")_(?=[0-9a-zA-Z]*[0-9])[0-9a-zA-Z]{10,}\b"
_DATETIME = r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?(?![\d:])"
#: Epoch milliseconds between 2017 and 2033 (never part of a phone number: no ``+`` before it).
_EPOCH_MS = r"(?<![\w+.])1[5-9]\d{11}(?![\w.])"
_SEALED = r"(\$env:[A-Za-z_][A-Za-z0-9_]*)@[A-Za-z0-9-]+:[0-9a-fA-F]+"
#: Words of a key that holds a secret (``auth_password``, ``X-Api-Key``, ``Authorization`` ...; not ``api_key_name``).
_SECRET_WORDS = (
    r"(?i)(^|[_-])(pass|password|passwd|secret|token|apikey|api[_-]key|authorization|cookie|credentials?|signature)$"
)
_SECRET_ENV = r"(?i)KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL"
#: Keys whose values change from run to run (payloads; transcripts leave them out), and their placeholder.
_VOLATILE_KEYS = (
    (r"(?i)(^|_)(timestamp|time_ms|at_ms)$|_at$", "<timestamp>"),
    (r"(?i)(^|_)duration(_ms)?$", "<duration>"),
    (r"(?i)(^|_)latency(_ms)?$", "<latency>"),
    (r"(?i)(^|_)cost$", "<cost>"),
)
REDACTED = "<redacted>"


def _secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if environ is None else environ
    values = {v for k, v in env.items() if re.search(_SECRET_ENV, k) and len(v) >= 8}
    return sorted(values, key=len, reverse=True)


class _Ids:
    """Numbers ids per kind in order of first appearance (``chat_8f…`` → ``<chat 1>``)."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def __call__(self, match: re.Match[str]) -> str:
        found, kind = match.group(0), match.group(1)
        if found not in self.seen:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            self.seen[found] = f"<{kind} {self.counts[kind]}>"
        return self.seen[found]


class _Normaliser:
    """The text rewrite of one snapshot: ids, times, sealed secrets, secret values, the user's replacements."""

    def __init__(self, replace: Iterable[tuple[re.Pattern[str], str]] = ()) -> None:
        self.ids = _Ids()
        self.secrets = _secret_values()
        self.replace = tuple(replace)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, REDACTED)
        value = re.sub(_SEALED, r"\1", value)
        value = re.sub(_ID, self.ids, value)
        value = re.sub(_DATETIME, "<timestamp>", value)
        value = re.sub(_EPOCH_MS, "<timestamp>", value)
        for pattern, placeholder in self.replace:
            value = pattern.sub(placeholder, value)
        return value

    def data(self, value: Any, key: str = "") -> Any:
        """JSON data with every string rewritten, secret keys redacted and volatile keys replaced."""
        if isinstance(value, Mapping):
            return {self.text(str(k)): self.data(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v, key) for v in value]
        if key and value is not None and not isinstance(value, bool):
            if isinstance(value, str) and re.search(_SECRET_WORDS, key) and not value.startswith(("$env:", "$secret:")):
                return REDACTED
            for pattern, placeholder in _VOLATILE_KEYS:
                if re.search(pattern, key) and isinstance(value, int | float | str):
                    return placeholder
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, int) and not isinstance(value, bool) and re.fullmatch(_EPOCH_MS, str(value)):
            return "<timestamp>"
        return value


def normalise(data: Any, *, replace: Mapping[str, str] | None = None) -> Any:
    """``data`` (JSON values) as a snapshot stores it: ids, times and secrets normalised (see the module docs).

    >>> normalise({"llm_id": "llm_0a1b2c3d4e5f6a7b8c9d0e1f2a3b", "headers": {"Authorization": "Bearer abc"},
    ...            "last_modification_timestamp": 1714550000000, "password": "$env:SIP_PASS@hmac-sha256:9f00"})
    {'llm_id': '<llm 1>', 'headers': {'Authorization': '<redacted>'}, 'last_modification_timestamp': '<timestamp>', \
'password': '$env:SIP_PASS'}
    """
    return _Normaliser(_patterns(replace)).data(data)


def _patterns(replace: Mapping[str, str] | None) -> list[tuple[re.Pattern[str], str]]:
    out = []
    for pattern, placeholder in (replace or {}).items():
        try:
            out.append((re.compile(pattern), placeholder))
        except re.error as exc:
            raise ValueError(f"replace pattern {pattern!r} is not a valid regular expression: {exc}") from None
    return out


# ----------------------------------------------------------------------------------------- transcripts


def _result_of(data: Any) -> CallResult:
    from retell_dsl.conversations import CallResult

    if isinstance(data, CallResult):
        return data
    if callable(getattr(data, "result", None)):
        result = data.result()
        if isinstance(result, CallResult):
            return result
    raise TypeError(
        "a retell transcript snapshot takes a CallResult (chat.end(), retell_web_call(...)) or a conversation "
        f"with .result() (a chat, a playground), got {type(data).__name__}"
    )


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _tool_result(text: str, norm: _Normaliser) -> str:
    try:
        parsed = json.loads(text)
    except (json.JSONDecodeError, TypeError):
        return norm.text(text)
    return _json(norm.data(parsed))


def _event_line(e: Event, norm: _Normaliser, nodes: bool) -> str:
    if e.kind == "message":
        line = f"{e.role}: {norm.text(e.text)}"
    elif e.kind == "tool_call":
        outcome = "(no result)" if e.result is None else _tool_result(e.result, norm)
        failed = " [failed]" if e.successful is False else ""
        line = f"tool {e.name}({_json(norm.data(dict(e.args)))}) → {outcome}{failed}"
    elif e.kind == "transition":
        line = f"→ node {e.name}"
    elif e.kind == "state_transition":
        line = f"→ state {e.name}"
    else:
        line = f"{e.role}: {norm.text(e.text)}".rstrip(": ")
    if nodes and e.kind in ("message", "tool_call") and e.state:
        line += f"  [state: {e.state}]"
    return line


def _block(title: str, values: Mapping[str, Any], norm: _Normaliser) -> list[str]:
    if not values:
        return []
    data = norm.data(dict(values))
    return [f"{title}:", *(f"  {k}: {_json(data[k])}" for k in sorted(data))]


def render_transcript(
    data: Any,
    *,
    states: bool = True,
    variables: bool = True,
    analysis: bool = True,
    replace: Mapping[str, str] | None = None,
) -> str:
    """The snapshot text of a conversation: a header, one event a line, then variables and analysis.

    ``states``: mark each message and tool call with the LLM state it happened in (node changes
    have their own ``→ node`` lines); ``variables`` / ``analysis``: list the collected dynamic
    variables / the post-conversation analysis; ``replace``: more ``{regex: placeholder}``
    rewrites for values of your own that change between runs. Latency and cost are left out.
    """
    result = _result_of(data)
    norm = _Normaliser(_patterns(replace))
    head = [f"{result.kind} {norm.text(result.id)}"]
    if result.agent_id and result.agent_id != result.id:
        head.append(f"agent {norm.text(result.agent_id)}")
    head += [result.status or "?", *([result.end_reason] if result.end_reason else [])]
    lines = [" · ".join(head)]
    lines += [_event_line(e, norm, states) for e in result.events] or ["(no events)"]
    if variables:
        lines += _block("variables", result.variables, norm)
    if analysis and result.analysis:
        lines += _block("analysis", {k: v for k, v in result.analysis.items() if v is not None}, norm)
    return "\n".join(lines) + "\n"


class TranscriptSnapshotExtension(SingleFileSnapshotExtension):
    """Syrupy extension: a conversation as normalised text, one ``.txt`` file per snapshot.

    ``assert result == snapshot.use_extension(TranscriptSnapshotExtension)``, or use the
    ``retell_transcript_snapshot`` fixture. :meth:`with_options` makes a variant (say, without
    the analysis, or with ``replace`` rules for your own changing values).
    """

    _write_mode = WriteMode.TEXT
    file_extension = "txt"
    render_options: Mapping[str, Any] = {}

    def serialize(self, data: Any, **kwargs: Any) -> str:
        return render_transcript(data, **self.render_options)

    @classmethod
    def with_options(
        cls,
        *,
        states: bool = True,
        variables: bool = True,
        analysis: bool = True,
        replace: Mapping[str, str] | None = None,
    ) -> type[TranscriptSnapshotExtension]:
        """A subclass rendering with these options (see :func:`render_transcript`)."""
        _patterns(replace)  # a bad pattern fails here, where it was written
        options = {"states": states, "variables": variables, "analysis": analysis, "replace": dict(replace or {})}
        return type(cls.__name__, (cls,), {"render_options": options, "__module__": cls.__module__})


# ----------------------------------------------------------------------------------------- payloads


def _payload_of(data: Any) -> Any:
    import retell_dsl

    if isinstance(data, retell_dsl.Spec):  # a Stack or a resource: compiled, so an invalid one fails with its lint
        data = retell_dsl.compile(cast(Any, data))
    if isinstance(data, retell_dsl.CompiledStack | retell_dsl.CompiledResource):
        return data.to_dict()
    if callable(getattr(data, "model_dump", None)):  # an SDK object, e.g. client.agent.retrieve(...)
        return data.model_dump(mode="json", exclude_none=True)
    if isinstance(data, str):
        try:
            return json.loads(data)
        except json.JSONDecodeError as exc:
            raise TypeError(f"a retell payload snapshot takes JSON text, and this is not JSON: {exc}") from None
    if isinstance(data, Mapping | list | tuple):
        return data
    raise TypeError(
        "a retell payload snapshot takes a compiled stack or resource, a Stack or builder (compiled first), "
        f"an SDK object or a JSON mapping, got {type(data).__name__}"
    )


def render_payload(data: Any, *, replace: Mapping[str, str] | None = None) -> str:
    """The snapshot text of a payload: normalised (see the module docs), sorted, indented JSON.

    >>> print(render_payload({"b": [1, 2], "a": {"agent_id": "agent_0123456789abcdef0123456789"}}), end="")
    {
      "a": {
        "agent_id": "<agent 1>"
      },
      "b": [
        1,
        2
      ]
    }
    """
    payload = _Normaliser(_patterns(replace)).data(_payload_of(data))
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class PayloadSnapshotExtension(SingleFileSnapshotExtension):
    """Syrupy extension: a compiled payload as normalised, sorted JSON, one ``.json`` file per snapshot.

    ``assert stack == snapshot.use_extension(PayloadSnapshotExtension)`` (a ``Stack`` is compiled,
    with its checks), or use the ``retell_payload_snapshot`` fixture.
    """

    _write_mode = WriteMode.TEXT
    file_extension = "json"
    render_options: Mapping[str, Any] = {}

    def serialize(self, data: Any, **kwargs: Any) -> str:
        return render_payload(data, **self.render_options)

    @classmethod
    def with_options(cls, *, replace: Mapping[str, str] | None = None) -> type[PayloadSnapshotExtension]:
        """A subclass with more ``{regex: placeholder}`` rewrites (see :func:`render_payload`)."""
        _patterns(replace)
        return type(
            cls.__name__, (cls,), {"render_options": {"replace": dict(replace or {})}, "__module__": cls.__module__}
        )


# ----------------------------------------------------------------------------------------- fixtures


@pytest.fixture
def retell_transcript_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """syrupy's ``snapshot`` storing conversations as text: ``assert chat.end() == retell_transcript_snapshot``."""
    return snapshot.use_extension(TranscriptSnapshotExtension)


@pytest.fixture
def retell_payload_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """syrupy's ``snapshot`` storing compiled payloads as JSON: ``assert compile(stack) == retell_payload_snapshot``."""
    return snapshot.use_extension(PayloadSnapshotExtension)
