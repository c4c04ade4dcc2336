"""Render spec values as idiomatic Python builder expressions (the inverse of evaluating them).

Constructor keywords for plain fields (defaults left out), fluent calls for edges and special
routes (``.to(...)``, ``.otherwise(...)``, ``.always(...)``, ``.make_global(...)``), readable
triple-quoted strings for long prompts, and variable names for resources defined elsewhere.

>>> from retell_dsl import ConversationNode
>>> node = ConversationNode(name="greet", prompt="Say hi.").to("bye", when="Caller is done").otherwise("greet")
>>> print(Renderer({}).expr(node))
ConversationNode(name="greet", prompt="Say hi.").to("bye", when="Caller is done").otherwise("greet")
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from retell_dsl.builders.base import UNSET, Spec
from retell_dsl.builders.conditions import Comparison, Equation
from retell_dsl.builders.flow import ConversationFlow, Edge, GlobalNode, Node
from retell_dsl.builders.tools.transfer import Handoff

__all__ = ["Renderer", "string"]

WIDTH = 100
_METHODS = {"==": "eq", "!=": "ne", ">": "gt", ">=": "ge", "<": "lt", "<=": "le", "contains": "contains",
            "not_contains": "not_contains"}  # fmt: skip
#: node field → fluent method (one argument: a node name)
_ROUTES = (
    ("else_to", "otherwise"),
    ("always_to", "always"),
    ("skip_response_to", "skip_response"),
    ("failed_to", None),
    ("sent_to", "on_sent"),
    ("send_failed_to", "on_send_failed"),
)


def string(text: str, indent: int = 0) -> str:
    """A string literal: plain for short text, triple-quoted for multi-line or long text.

    >>> print(string("line one\\nline two"))
    \"\"\"\\
    line one
    line two\"\"\"
    """
    if "\n" not in text or any(c in text for c in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        literal = _double_quoted(text)
        if len(literal) + indent <= WIDTH + 20 or " " not in text:
            return literal
        return _wrapped(text, indent)
    body = "".join(c if c.isprintable() or c in "\n\t" else repr(c)[1:-1] for c in text.replace("\\", "\\\\"))
    body = body.replace('"""', '\\"\\"\\"')
    if body.endswith('"'):
        body = body[:-1] + '\\"'
    return '"""\\\n' + body + '"""'


def _double_quoted(text: str) -> str:
    literal = repr(text)
    if literal.startswith("'"):
        literal = '"' + literal[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'
    return literal


def _wrapped(text: str, indent: int) -> str:
    """A long one-line string as implicitly concatenated chunks that break after spaces."""
    chunks, current = [], ""
    for word in text.split(" "):
        piece = word if not current else " " + word
        if current and len(current) + len(piece) > WIDTH - indent - 8:
            chunks.append(current + " ")
            current = word
        else:
            current += piece
    chunks.append(current)
    pad = " " * (indent + 4)
    return "(\n" + "".join(f"{pad}{_double_quoted(c)}\n" for c in chunks) + " " * indent + ")"


class Renderer:
    """Renders values; ``names`` maps ``id(spec)`` of resources defined as variables to their names."""

    def __init__(self, names: Mapping[int, str]) -> None:
        self.names = names
        self.used: set[type] = set()
        self.uses_when = False

    # ------------------------------------------------------------------ values
    def expr(self, value: Any, indent: int = 0) -> str:
        if id(value) in self.names:
            return self.names[id(value)]
        if isinstance(value, str):
            return string(value, indent)
        if isinstance(value, bool) or value is None or isinstance(value, int | float):
            return repr(value)
        if isinstance(value, Comparison | Equation):
            return self._condition(value, indent)
        if isinstance(value, Handoff):
            self.used.add(Handoff)
            method = "prompt" if value.kind == "prompt" else "message"
            return self._call(f"Handoff.{method}", [self.expr(value.text, indent + 4)], [], indent)
        if isinstance(value, Spec):
            return self._spec(value, indent)
        if isinstance(value, Mapping):
            items = [f"{string(str(k))}: {self.expr(v, indent + 4)}" for k, v in value.items()]
            return self._wrap("{", items, "}", indent)
        if isinstance(value, tuple | list):
            items = [self.expr(v, indent + 4) for v in value]
            if len(items) == 1 and "\n" not in items[0] and len(items[0]) + indent < WIDTH:
                return f"({items[0]},)"
            return self._wrap("(", items, ")", indent)
        return repr(value)

    def _condition(self, cond: Comparison | Equation, indent: int) -> str:
        if isinstance(cond, Comparison):
            self.uses_when = True
            left = f"when({_double_quoted(cond.left)})"
            if cond.operator == "exists":
                return f"{left}.exists()"
            if cond.operator == "not_exist":
                return f"{left}.not_exists()"
            return f"{left}.{_METHODS[cond.operator]}({_double_quoted(cond.right or '')})"
        if len(cond.comparisons) > 1:
            joiner = " & " if cond.operator == "&&" else " | "
            return "(" + joiner.join(self._condition(c, indent) for c in cond.comparisons) + ")"
        self.used.add(Equation)
        parts = [f"operator={_double_quoted(cond.operator)}", f"comparisons={self.expr(cond.comparisons, indent + 4)}"]
        return self._call("Equation", parts, [], indent)

    # ------------------------------------------------------------------ specs
    def _spec(self, spec: Spec, indent: int) -> str:
        cls = type(spec)
        self.used.add(cls)
        skip: set[str] = set()
        chain: list[tuple[str, list[str]]] = []
        if isinstance(spec, Node):
            skip |= {"edges", "global_node", *(f for f, _ in _ROUTES)}
            edge_list: tuple[Edge, ...] = getattr(spec, "edges", ())
            for e in edge_list:
                args = [_double_quoted(e.to), f"when={self.expr(e.when, indent + 4)}"]
                if e.extra:  # keys of this one edge the builder does not type
                    args.append(f"extra={self.expr(dict(e.extra), indent + 4)}")
                chain.append(("to", args))
            for field, method in _ROUTES:
                target = getattr(spec, field, UNSET)
                if target is not UNSET:
                    name = method or ("on_transfer_failed" if spec.TYPE == "transfer_call" else "on_swap_failed")
                    chain.append((name, [_double_quoted(target)]))
            g = spec.global_node
            if isinstance(g, GlobalNode):
                args = [self.expr(g.condition, indent + 4)]
                if g.go_back:
                    args.append(f"go_back={self.expr(g.go_back, indent + 4)}")
                if g.cool_down is not UNSET:
                    args.append(f"cool_down={g.cool_down!r}")
                chain.append(("make_global", args))
        if isinstance(spec, ConversationFlow):
            skip |= {"nodes", "start_node", "global_prompt"}
            if spec.global_prompt is not UNSET:
                chain.append(("prompt", [self.expr(spec.global_prompt, indent + 4)]))
            chain += [("node", [self.expr(n, indent + 4)]) for n in spec.nodes]
            if spec.start_node is not UNSET:
                chain.append(("start_at", [_double_quoted(spec.start_node)]))
        args = []
        for f in dataclasses.fields(spec):
            if f.name.startswith("_") or f.name in skip:
                continue
            value = getattr(spec, f.name)
            if _is_default(f, value):
                continue
            args.append(f"{f.name}={self.expr(value, indent + 4)}")
        return self._call(cls.__name__, args, chain, indent)

    # ------------------------------------------------------------------ layout
    def _call(self, name: str, args: list[str], chain: list[tuple[str, list[str]]], indent: int) -> str:
        head = self._wrap(f"{name}(", args, ")", indent)
        calls = [self._wrap(f".{m}(", a, ")", indent) for m, a in chain]
        flat = head + "".join(calls)
        if "\n" not in flat and len(flat) + indent <= WIDTH:
            return flat
        if not calls:
            return head
        pad = "\n" + " " * indent
        return head + "".join(pad + c for c in calls)

    @staticmethod
    def _wrap(open_: str, items: list[str], close: str, indent: int) -> str:
        flat = open_ + ", ".join(items) + close
        if "\n" not in flat and len(flat) + indent <= WIDTH:
            return flat
        pad = " " * (indent + 4)
        return open_ + "\n" + "".join(f"{pad}{i},\n" for i in items) + " " * indent + close


def _is_default(f: dataclasses.Field[Any], value: Any) -> bool:
    if f.default is not dataclasses.MISSING:
        default: Any = f.default
    elif f.default_factory is not dataclasses.MISSING:
        default = f.default_factory()
    else:
        return False
    return bool(value == default) and type(value) is type(default)
