"""The neutral graph model (nodes, edges, groups) and its Mermaid and Graphviz DOT renderers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Literal

from retell_dsl.errors import InvalidArgument

__all__ = ["START", "Edge", "EdgeStyle", "Format", "Graph", "Node", "dot_text", "graph_data", "mermaid_text", "render"]

Format = Literal["mermaid", "dot", "json"]
EdgeStyle = Literal["solid", "dashed", "bold"]
START = "__start__"

# shape → (Mermaid opening, Mermaid closing, DOT shape, DOT styles)
_SHAPES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "rect": ('["', '"]', "box", ()),
    "rounded": ('("', '")', "box", ("rounded",)),
    "diamond": ('{"', '"}', "diamond", ()),
    "stadium": ('(["', '"])', "doublecircle", ()),
    "hexagon": ('{{"', '"}}', "hexagon", ()),
    "subroutine": ('[["', '"]]', "box", ()),
    "parallelogram": ('[/"', '"/]', "parallelogram", ()),
    "trapezoid": ('[/"', '"\\]', "trapezium", ()),
    "flag": ('>"', '"]', "cds", ()),
    "component": ('[["', '"]]', "component", ()),
    "cylinder": ('[("', '")]', "cylinder", ()),
    "circle": ('(("', '"))', "circle", ()),
}
# Mermaid classDef / extra DOT style per class
_CLASSES: dict[str, tuple[str, str]] = {
    "start": ("fill:#222,color:#fff,stroke:#222", "filled"),
    "global": ("stroke-dasharray:5 5", "dashed"),
    "knowledge_base": ("fill:#fff3e0,stroke:#ef6c00", "filled"),
    "llm": ("fill:#e8f5e9,stroke:#2e7d32", "filled"),
    "conversation_flow": ("fill:#e8f5e9,stroke:#2e7d32", "filled"),
    "agent": ("fill:#e3f2fd,stroke:#1565c0", "filled"),
    "chat_agent": ("fill:#e3f2fd,stroke:#1565c0", "filled"),
    "component": ("fill:#e8f5e9,stroke:#2e7d32", "filled"),
    "phone_number": ("fill:#f3e5f5,stroke:#6a1b9a", "filled"),
    "batch_call": ("fill:#fce4ec,stroke:#ad1457", "filled"),
    # coverage marks (flow_graph(marks=...)): exercised by a conversation, or never
    "covered": ("fill:#c8e6c9,stroke:#2e7d32", "filled"),
    "missed": ("fill:#ffcdd2,stroke:#c62828", "filled"),
}
_DOT_FILL = {"start": "#222222", "knowledge_base": "#fff3e0", "llm": "#e8f5e9", "conversation_flow": "#e8f5e9",
             "agent": "#e3f2fd", "phone_number": "#f3e5f5", "batch_call": "#fce4ec", "chat_agent": "#e3f2fd",
             "component": "#e8f5e9", "covered": "#c8e6c9", "missed": "#ffcdd2"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Node:
    key: str
    lines: tuple[str, ...]
    shape: str
    classes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Edge:
    src: str
    dst: str
    label: str = ""
    style: EdgeStyle = "solid"


@dataclass(slots=True)
class Graph:
    title: str | None
    direction: str
    nodes: list[Node] = field(default_factory=list)
    groups: list[tuple[str, str, list[Node]]] = field(default_factory=list)  # (key, title, nodes)
    edges: list[Edge] = field(default_factory=list)


def render(graph: Graph, format: str) -> str:
    if format == "mermaid":
        return _mermaid(graph)
    if format == "dot":
        return _dot(graph)
    if format == "json":
        return json.dumps(graph_data(graph), indent=2, ensure_ascii=False) + "\n"
    raise InvalidArgument(f"unknown graph format {format!r}; expected 'mermaid', 'dot' or 'json'")


def graph_data(graph: Graph) -> dict[str, object]:
    """The graph as plain data (the ``json`` format): nodes with their group, edges with labels."""
    nodes = [(None, n) for n in graph.nodes] + [(key, n) for key, _, members in graph.groups for n in members]
    return {
        "title": graph.title,
        "direction": graph.direction,
        "nodes": [
            {"id": n.key, "label": list(n.lines), "shape": n.shape, "classes": list(n.classes), "group": group}
            for group, n in nodes
        ],
        "edges": [{"from": e.src, "to": e.dst, "label": e.label, "style": e.style} for e in graph.edges],
    }


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label (entity codes for ``# & " < > | `````)."""
    text = text.replace("#", "#35;")
    for char, code in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;"), ("`", "#96;")):
        text = text.replace(char, code)
    return " ".join(text.splitlines())


def dot_text(text: str) -> str:
    """Text safe inside a double-quoted DOT string."""
    return " ".join(text.replace("\\", "\\\\").replace('"', '\\"').splitlines())


def _mermaid_ids(graph: Graph) -> dict[str, str]:
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for node in [*graph.nodes, *(n for _, _, nodes in graph.groups for n in nodes)]:
        base = "n_" + re.sub(r"[^A-Za-z0-9_]", "_", node.key)
        candidate, i = base, 2
        while candidate in taken:
            candidate, i = f"{base}_{i}", i + 1
        taken.add(candidate)
        ids[node.key] = candidate
    return ids


def _mermaid(graph: Graph) -> str:
    ids = _mermaid_ids(graph)

    def mid(key: str) -> str:
        return ids.get(key) or "n_" + re.sub(r"[^A-Za-z0-9_]", "_", key)  # a dangling reference

    def node(n: Node, indent: str) -> str:
        opening, closing, _, _ = _SHAPES[n.shape]
        return f"{indent}{mid(n.key)}{opening}{'<br/>'.join(mermaid_text(x) for x in n.lines)}{closing}"

    out = []
    if graph.title is not None:
        out += ["---", "title: " + _yaml_string(graph.title), "---"]
    out.append(f"flowchart {graph.direction}")
    out += [node(n, "    ") for n in graph.nodes]
    for key, title, nodes in graph.groups:
        out.append(f'    subgraph g_{re.sub(r"[^A-Za-z0-9_]", "_", key)} ["{mermaid_text(title)}"]')
        out += [node(n, "        ") for n in nodes]
        out.append("    end")
    arrows = {"solid": "-->", "dashed": "-.->", "bold": "==>"}
    for e in graph.edges:
        label = f'|"{mermaid_text(e.label)}"|' if e.label else ""
        out.append(f"    {mid(e.src)} {arrows[e.style]}{label} {mid(e.dst)}")
    members: dict[str, list[str]] = {}
    for n in [*graph.nodes, *(n for _, _, nodes in graph.groups for n in nodes)]:
        for c in n.classes:
            members.setdefault(c, []).append(mid(n.key))
    out += [f"    classDef {c} {_CLASSES[c][0]}" for c in members]
    out += [f"    class {','.join(keys)} {c}" for c, keys in members.items()]
    return "\n".join(out) + "\n"


def _yaml_string(text: str) -> str:
    import json

    return json.dumps(" ".join(text.splitlines()), ensure_ascii=False)


def _dot(graph: Graph) -> str:
    def q(key: str) -> str:
        return f'"{dot_text(key)}"'

    def node(n: Node, indent: str) -> str:
        label = "\\n".join(dot_text(x) for x in n.lines)
        return f'{indent}{q(n.key)} [label="{label}"{_dot_rest(n)}];'

    out = [f"digraph {q(graph.title or 'G')} {{"]
    out.append(f"    rankdir={'TB' if graph.direction == 'TD' else graph.direction};")
    out.append('    node [fontname="Helvetica", fontsize=11];')
    out.append('    edge [fontname="Helvetica", fontsize=9];')
    out += [node(n, "    ") for n in graph.nodes]
    for key, title, nodes in graph.groups:
        out.append(f"    subgraph {q('cluster_' + key)} {{")
        out.append(f'        label="{dot_text(title)}";')
        out += [node(n, "        ") for n in nodes]
        out.append("    }")
    for e in graph.edges:
        attrs = [f'label="{dot_text(e.label)}"'] if e.label else []
        if e.style != "solid":
            attrs.append(f"style={e.style}")
        out.append(f"    {q(e.src)} -> {q(e.dst)}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_rest(n: Node) -> str:
    _, _, shape, style = _SHAPES[n.shape]
    parts = [f"shape={shape}"]
    if shape == "box" and n.shape == "subroutine":
        parts.append("peripheries=2")
    styles = [*style, *(_CLASSES[c][1] for c in n.classes)]
    if styles:
        parts.append('style="' + ",".join(dict.fromkeys(styles)) + '"')
    fills = [_DOT_FILL[c] for c in n.classes if c in _DOT_FILL]
    if fills:
        parts.append(f'fillcolor="{fills[0]}"')
    if "start" in n.classes:
        parts.append('fontcolor="white", width=0.5, fixedsize=true')
    return "".join(", " + p for p in parts)
