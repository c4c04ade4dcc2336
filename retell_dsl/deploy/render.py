"""Plans for people: ``+ ~ - -/+`` per resource and per field, long prompts as unified diffs.

:func:`plan_lines` returns ``(style, text)`` pairs, so the same rendering prints in colour on a
terminal and as plain text in snapshots and CI logs.

>>> from retell_dsl.deploy.plan import Plan, Step
>>> from retell_dsl.deploy.diff import FieldChange
>>> step = Step("update", "llm.support", "llm", "llm_1", {}, [FieldChange("model_config.temperature", 0.2, 0.4)])
>>> print(plain(plan_lines(Plan("support", "staging", "emulator", [step]))))
Plan for stack 'support', environment 'staging' (emulator)
<BLANKLINE>
  ~ llm.support  (update llm_1)
      ~ model_config.temperature: 0.2 → 0.4
<BLANKLINE>
Plan: 1 to update.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from retell_dsl.deploy.diff import MISSING, FieldChange
from retell_dsl.deploy.plan import Plan, Step
from retell_dsl.deploy.secrets import CHANGED, HIDDEN, is_marker, marker_name

if TYPE_CHECKING:
    from retell_dsl.deploy.drift import Drift

__all__ = ["Line", "drift_lines", "plain", "plan_lines", "print_lines", "summary"]

Line = tuple[str, str]

SYMBOLS = {
    "create": ("+", "green"),
    "update": ("~", "yellow"),
    "replace": ("-/+", "magenta"),
    "delete": ("-", "red"),
    "open_draft": ("»", "cyan"),
    "publish": ("»", "cyan"),
}
_VERBS = {
    "create": "to create", "update": "to update", "replace": "to replace", "delete": "to delete",
    "open_draft": "draft to open", "publish": "to publish",
}  # fmt: skip
_INLINE = 72


def _show(value: Any) -> str:
    if isinstance(value, str) and value.startswith("$ref:"):
        return f"(known after apply: {value[5:]})"
    if is_marker(value):
        return f"(secret from ${marker_name(value)})"
    if value == CHANGED:
        return "(secret: a different value)"
    if value == HIDDEN:
        return "(secret)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= _INLINE else text[: _INLINE - 1] + "…"


def _is_long(value: Any) -> bool:
    secret = is_marker(value) or value in (CHANGED, HIDDEN)
    return isinstance(value, str) and not secret and ("\n" in value or len(value) > _INLINE)


def _flatten(path: str, value: Any, depth: int = 0) -> Iterable[tuple[str, Any]]:
    """Leaf paths of a created value, so reviewers read fields rather than JSON blobs (4 levels deep)."""
    if depth < 4 and isinstance(value, dict) and value:
        for key in sorted(value):
            yield from _flatten(f"{path}.{key}" if path else key, value[key], depth + 1)
    elif depth < 4 and isinstance(value, list) and value and any(isinstance(v, dict | list) for v in value):
        for i, item in enumerate(value):
            yield from _flatten(f"{path}[{i}]", item, depth + 1)
    else:
        yield path, value


def _field_lines(change: FieldChange, indent: str) -> Iterable[Line]:
    if change.before is MISSING and isinstance(change.after, dict | list):
        for path, leaf in _flatten(change.path, change.after):
            yield from _leaf_lines(FieldChange(path, MISSING, leaf), indent)
        return
    yield from _leaf_lines(change, indent)


def _leaf_lines(change: FieldChange, indent: str) -> Iterable[Line]:
    before, after = change.before, change.after
    if before is MISSING:
        if _is_long(after):
            yield "green", f"{indent}+ {change.path}:"
            for line in str(after).splitlines() or [""]:
                yield "green", f"{indent}    {line}"
        else:
            yield "green", f"{indent}+ {change.path}: {_show(after)}"
        return
    if after is MISSING or after is None:
        yield "red", f"{indent}- {change.path}: {_show(before)}"
        return
    if _is_long(before) or _is_long(after):
        yield "yellow", f"{indent}~ {change.path}:"
        yield from _diff(before, after, ("remote", "code"), f"{indent}    ")
        return
    yield "yellow", f"{indent}~ {change.path}: {_show(before)} → {_show(after)}"


def _diff(before: Any, after: Any, labels: tuple[str, str], indent: str) -> Iterable[Line]:
    """A unified diff of two texts (a non-text side, such as a removed value, diffs as its JSON)."""

    def text(value: Any) -> str:
        return value if isinstance(value, str) else "" if value is MISSING else _show(value)

    diff = difflib.unified_diff(text(before).splitlines(), text(after).splitlines(), *labels, lineterm="", n=2)
    for line in diff:
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
        yield style, f"{indent}{line}"


def _drift_change(label: str, change: FieldChange, labels: tuple[str, str]) -> Iterable[Line]:
    before, after = change.before, change.after
    head = f"    {label} {change.path}"
    if _is_long(before) or _is_long(after):
        yield "yellow", f"{head}:"
        yield from _diff(before, after, labels, "        ")
        return

    def show(value: Any) -> str:
        return "(absent)" if value is MISSING else _show(value)

    yield "", f"{head}: {show(before)} → {show(after)}"


def drift_lines(report: Sequence[Drift]) -> list[Line]:
    """A drift report as styled lines: per resource its status, then each field someone changed.

    Long texts (prompts) show as unified diffs, secrets as masks in words, never their values.

    >>> from retell_dsl.deploy.drift import Drift
    >>> prompt = Drift("llm.support", "retell_llm", status="drifted",
    ...                remote=[FieldChange("general_prompt", "Be kind.\\n" * 40, "Be kind.\\n" * 39 + "Be brief.")],
    ...                code=[FieldChange("webhook_url", "$secret:changed", "$env:HOOK")])
    >>> print(plain(drift_lines([prompt, Drift("agent.support", "agent")])))
    ! llm.support: drifted
        remote changed general_prompt:
            --- applied
            +++ remote
            @@ -38,3 +38,3 @@
             Be kind.
             Be kind.
            -Be kind.
            +Be brief.
        code changed   webhook_url: (secret: a different value) → (secret from $HOOK)
    ✓ agent.support: ok
    1 of 2 resources drifted
    """
    lines: list[Line] = []
    for d in report:
        mark = "✓" if not d.drifted else "!"
        lines.append(("yellow" if d.drifted else "green", f"{mark} {d.address}: {d.status.replace('_', ' ')}"))
        for c in d.remote:  # before: what was applied; after: what Retell has now
            lines.extend(_drift_change("remote changed", c, ("applied", "remote")))
        for c in d.code:  # before: what was applied; after: what the code asks for now
            lines.extend(_drift_change("code changed  ", c, ("applied", "code")))
    drifted = sum(1 for d in report if d.drifted)
    total = f"{len(report)} resource{'' if len(report) == 1 else 's'}"
    lines.append(("bold", f"{drifted} of {total} drifted" if drifted else "No drift."))
    return lines


def _header(step: Step) -> str:
    symbol = SYMBOLS[step.action][0]
    if step.action == "publish":
        return f"  {symbol} publish {step.address}"
    if step.action == "open_draft":
        return f"  {symbol} open a new draft of {step.address}"
    detail = step.action if not step.remote_id else f"{step.action} {step.remote_id}"
    return f"  {symbol} {step.address}  ({detail})"


def summary(plan: Plan) -> str:
    if not plan.steps:
        return "No changes. Everything matches the code."
    counts = plan.counts()
    parts = [f"{counts[a]} {_VERBS[a]}" for a in ("create", "update", "replace", "delete", "open_draft", "publish")
             if a in counts]  # fmt: skip
    return "Plan: " + ", ".join(parts) + "."


def plan_lines(plan: Plan, *, show_unchanged: bool = False, compact: bool = False) -> list[Line]:
    """The plan as styled lines; ``compact`` shows how many fields a create sets instead of each one."""
    lines: list[Line] = [("bold", f"Plan for stack '{plan.stack}', environment '{plan.environment}' ({plan.target})")]
    lines.append(("", ""))
    for step in plan.steps:
        lines.append((f"bold {SYMBOLS[step.action][1]}", _header(step)))
        if step.reason:
            lines.append(("dim", f"      ({step.reason})"))
        if compact and step.action == "create":
            lines.append(("dim", f"      ({len(step.changes)} top-level fields; `retell-dsl plan` shows each one)"))
            continue
        for change in step.changes:
            lines.extend(_field_lines(change, "      "))
    if show_unchanged and plan.unchanged:
        lines.append(("dim", f"  = unchanged: {', '.join(plan.unchanged)}"))
    if plan.steps or show_unchanged:
        lines.append(("", ""))
    for warning in plan.warnings:
        lines.append(("yellow", f"warning: {warning}"))
    lines.append(("bold", summary(plan)))
    return lines


def plain(lines: Iterable[Line]) -> str:
    return "\n".join(text.rstrip() for _, text in lines)


def print_lines(lines: Iterable[Line], console: Any) -> None:
    """Print with styles on a rich Console (markup is not interpreted)."""
    from rich.text import Text

    for style, text in lines:
        console.print(Text(text, style=style or ""), soft_wrap=True)
