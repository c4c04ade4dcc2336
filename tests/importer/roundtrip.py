"""Helpers: deploy a compiled stack to an emulator, import it back, compile the generated code."""

from __future__ import annotations

from typing import Any

from retell import Retell

from retell_dsl import Stack, compile, resolve_refs
from retell_dsl.importer import Imported

CREATE = {
    "llm": ("/create-retell-llm", "llm_id"),
    "conversation_flow": ("/create-conversation-flow", "conversation_flow_id"),
    "agent": ("/create-agent", "agent_id"),
    "phone_number": ("/create-phone-number", "phone_number"),
}
IGNORED = {"phone_number"}  # server-assigned (bought numbers get one)


def deploy(client: Retell, stack: Stack) -> dict[str, str]:
    """Create every resource (KBs through the SDK's multipart upload), in dependency order."""
    ids: dict[str, str] = {}
    for r in compile(stack).resources:
        payload = resolve_refs(dict(r.payload), ids)
        if r.kind == "knowledge_base":
            kb = client.knowledge_base.create(**payload)
            ids[r.address] = kb.knowledge_base_id
            continue
        if r.kind not in CREATE:  # campaigns are not imported
            continue
        path, id_field = CREATE[r.kind]
        created: Any = client.post(path, body=payload, cast_to=object)  # cast_to=dict breaks in retell-sdk 6
        assert isinstance(created, dict), created
        ids[r.address] = str(created[id_field])
    return ids


def exec_source(source: str) -> Stack:
    namespace: dict[str, Any] = {}
    exec(compile_source(source), namespace)
    stack = namespace["stack"]
    assert isinstance(stack, Stack)
    return stack


def compile_source(source: str) -> Any:
    import builtins

    return builtins.compile(source, "<imported>", "exec")


def recompiled(imported: Imported) -> dict[str, dict[str, Any]]:
    """Compile the generated module; payloads by address with refs resolved to the imported ids."""
    stack = exec_source(imported.source)
    ids = {r.address: r.remote_id for r in imported.resources if r.remote_id}
    return {r.address: resolve_refs(dict(r.payload), ids) for r in compile(stack).resources}


def comparable(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in IGNORED}


def extras(value: Any, path: str = "") -> dict[str, list[str]]:
    """Every non-empty ``extra=`` in a spec tree: path → sorted extra keys.

    Paths name specs by class and ``name`` (``"Stack > ConversationFlow 'f' > EndNode 'Bye'"``), so
    an allow-list stays readable and a typed builder that degrades to ``extra=`` shows up by name.
    """
    import dataclasses

    from retell_dsl import Spec

    out: dict[str, list[str]] = {}
    if isinstance(value, Spec):
        name = getattr(value, "name", None)
        here = f"{path} > {type(value).__name__}" + (f" {name!r}" if isinstance(name, str) else "")
        here = here.removeprefix(" > ")
        extra = getattr(value, "extra", None)
        if extra:
            out[here] = sorted(extra)
        for f in dataclasses.fields(value):
            if f.name != "extra" and not f.name.startswith("_"):
                out.update(extras(getattr(value, f.name), here))
    elif isinstance(value, tuple):
        for item in value:
            out.update(extras(item, path))
    return out
