"""Assemble the generated module from decompiled specs with a Jinja2 code template.

>>> from retell_dsl import RetellLLM
>>> src = generate([("llm.support", RetellLLM(name="support", general_prompt="Be kind."), "llm_1")],
...                stack_name="support", origin="a test")
>>> "support_llm = RetellLLM(name=\\"support\\", general_prompt=\\"Be kind.\\")" in src
True
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Sequence

import jinja2

import retell_dsl
from retell_dsl.builders.stack import Resource
from retell_dsl.importer._render import Renderer, string

__all__ = ["generate", "identifier"]

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("retell_dsl.importer", "templates"),
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,
    undefined=jinja2.StrictUndefined,
)
_RESERVED = {"stack", "when", "annotations", *retell_dsl.__all__}
_LABELS = {"knowledge_base": "Knowledge base", "llm": "Retell LLM", "conversation_flow": "Conversation flow",
           "agent": "Agent", "chat_agent": "Chat agent", "phone_number": "Phone number",
           "batch_call": "Batch call"}  # fmt: skip


def identifier(name: str, taken: set[str], *, suffix: str = "") -> str:
    """A valid, unique, snake_case Python identifier derived from ``name``.

    >>> identifier("Bright Smiles receptionist", set(), suffix="agent")
    'bright_smiles_receptionist_agent'
    >>> identifier("2nd line", {"n_2nd_line"})
    'n_2nd_line_2'
    """
    base = re.sub(r"[^0-9a-zA-Z]+", "_", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)).strip("_").lower() or "x"
    if suffix and not base.endswith(suffix):
        base = f"{base}_{suffix}"
    if base[0].isdigit():
        base = "n_" + base
    if keyword.iskeyword(base) or base in _RESERVED:
        base += "_"
    out, i = base, 2
    while out in taken:
        out, i = f"{base}_{i}", i + 1
    taken.add(out)
    return out


_SUFFIX = {
    "knowledge_base": "kb",
    "llm": "llm",
    "conversation_flow": "flow",
    "agent": "agent",
    "chat_agent": "chat",
    "phone_number": "number",
}


def _imports(used: set[type], uses_when: bool) -> list[str]:
    top: list[str] = []
    other: dict[str, list[str]] = {}
    for cls in used:
        if getattr(retell_dsl, cls.__name__, None) is cls:
            top.append(cls.__name__)
        else:
            module = (
                "retell_dsl.builders.tools"
                if cls.__module__.startswith("retell_dsl.builders.tools")
                else cls.__module__
            )
            other.setdefault(module, []).append(cls.__name__)
    if uses_when:
        top.append("when")
    lines = []
    for module, names in sorted([("retell_dsl", top), *other.items()]):
        names = sorted(set(names), key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n.lower(), n))
        flat = f"from {module} import {', '.join(names)}"
        lines.append(
            flat if len(flat) <= 120 else f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"
        )
    return lines


def _noqa(source: str) -> str:
    codes = set()
    for line in source.splitlines():
        if len(line) > 120:
            codes.add("E501")
        if line != line.rstrip():
            codes.add("W291" if line.strip() else "W293")
        if any(ord(c) > 127 for c in line):
            codes |= {"RUF001"}
    return f"# ruff: noqa: {', '.join(sorted(codes))}\n" if codes else ""


def generate(
    resources: Sequence[tuple[str, Resource, str | None]],
    *,
    stack_name: str,
    origin: str,
    call_variables: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> str:
    """The module source for ``(address, spec, remote id)`` triples given in dependency order.

    ``call_variables`` are runtime variables the imported agents use without a default (callers
    supply them); the stack declares them so lint knows.
    """
    taken: set[str] = set()
    names: dict[int, str] = {}
    renderer = Renderer(names)
    definitions = []
    for address, spec, remote_id in resources:
        kind = address.split(".", 1)[0]
        var = identifier(spec.name, taken, suffix=_SUFFIX.get(kind, ""))
        expr = renderer.expr(spec, 4)
        if "\n" in expr and "\n    ." in expr:
            expr = "(\n    " + expr + "\n)"
        elif "\n" in expr:
            expr = renderer.expr(spec, 0)
        names[id(spec)] = var
        where = f" ({remote_id})" if remote_id else ""
        definitions.append({"var": var, "expr": expr, "comment": f"{_LABELS.get(kind, kind)} {spec.name!r}{where}"})
    renderer.used.add(retell_dsl.Stack)
    referenced = _referenced(resources)
    roots = [names[id(spec)] for _, spec, _ in resources if id(spec) not in referenced]
    context = {
        "title": f"Retell agents imported as code: stack {stack_name!r}.",
        "origin": origin,
        "imports": _imports(renderer.used, renderer.uses_when),
        "definitions": definitions,
        "stack_name": string(stack_name),
        "roots": roots,
        "noqa": "",
        "call_variables": [string(v) for v in call_variables],
        "notes": [" ".join(n.split()) for n in notes],
    }
    source = _ENV.get_template("module.py.j2").render(context)
    noqa = _noqa(source)
    if noqa:
        source = _ENV.get_template("module.py.j2").render({**context, "noqa": noqa})
    return source


def _referenced(resources: Sequence[tuple[str, Resource, str | None]]) -> set[int]:
    """Ids of specs another resource of the import refers to (they come along at compile time)."""
    from retell_dsl.builders.traverse import dependencies

    return {id(dep) for _, spec, _ in resources for dep in dependencies(spec)}
