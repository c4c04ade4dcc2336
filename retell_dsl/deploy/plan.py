"""Plans: what ``apply`` will do, as data. ``make_plan`` is pure; ``observe`` does the reading.

A plan is a list of steps (create, update, replace, delete, open a draft, publish), each with the
field-level changes it makes and the steps it waits for. It serialises to JSON so it can be saved
(``plan --out plan.json``), reviewed and applied later; ``apply`` then refuses it if anything it
touches changed remotely since (each step carries a fingerprint of what it saw, secrets masked), or
if another apply changed the environment since (the plan records the state's ``serial``).

Secrets are compared by keyed digest and shown as masks (:mod:`retell_dsl.deploy.secrets`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from retell_dsl.compiler.values import json_strings, map_strings
from retell_dsl.deploy.diff import MISSING, FieldChange, diff_fields
from retell_dsl.deploy.kinds import KINDS, AgentKind
from retell_dsl.deploy.records import FORMAT_VERSION, RECOVER_PLAN, StateCorrupted, read_plan_text
from retell_dsl.deploy.secrets import Secrets, align, mask, unseal
from retell_dsl.deploy.state import Owned, payload_hash

__all__ = ["KIND_ORDER", "Action", "Plan", "Step", "fingerprint_of", "make_plan", "resolve_known"]

Action = Literal["create", "update", "replace", "delete", "open_draft", "publish"]
KIND_ORDER = (
    "knowledge_base", "llm", "component", "conversation_flow", "agent", "chat_agent", "phone_number", "batch_call"
)  # fmt: skip
REF_PREFIX = "$ref:"
PLAN_FORMAT = FORMAT_VERSION


def fingerprint_of(remote: Any, payload: Any, last: Any) -> str:
    """What a step saw of a remote object, with every secret (wanted or last applied) left out."""
    return payload_hash(mask(mask(remote, payload), last))


def resolve_known(payload: Any, ids: Mapping[str, str]) -> Any:
    """Replace ``$ref:`` markers whose address has a known id; leave the others symbolic."""

    def resolve(value: str) -> str:
        if value.startswith(REF_PREFIX) and value[len(REF_PREFIX) :] in ids:
            return ids[value[len(REF_PREFIX) :]]
        return value

    return map_strings(payload, resolve)


@dataclass
class Step:
    """One unit of remote work."""

    action: Action
    address: str
    kind: str
    remote_id: str | None = None
    payload: dict[str, Any] | None = None
    changes: list[FieldChange] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    fingerprint: str | None = None
    reason: str = ""
    files: list[str] = field(default_factory=list)
    #: A create of an object deleted remotely: the id the state still mapped (re-checked by apply).
    seen_id: str | None = None

    @property
    def id(self) -> str:
        return f"{self.action}:{self.address}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action, "address": self.address, "kind": self.kind, "remote_id": self.remote_id,
            "payload": self.payload, "changes": [c.to_dict() for c in self.changes], "after": self.after,
            "fingerprint": self.fingerprint, "reason": self.reason, "files": self.files,
            "seen_id": self.seen_id,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Step:
        return cls(
            action=d["action"], address=d["address"], kind=d["kind"], remote_id=d.get("remote_id"),
            payload=d.get("payload"), changes=[FieldChange.from_dict(c) for c in d.get("changes", [])],
            after=list(d.get("after", [])), fingerprint=d.get("fingerprint"), reason=d.get("reason", ""),
            files=list(d.get("files", [])), seen_id=d.get("seen_id"),
        )  # fmt: skip


@dataclass
class Plan:
    stack: str
    environment: str
    target: str
    steps: list[Step]
    warnings: list[str] = field(default_factory=list)
    #: Hash of the compiled stack: the promotion check compares it across environments.
    stack_hash: str = ""
    #: Addresses in the stack with nothing to do.
    unchanged: list[str] = field(default_factory=list)
    #: The state's serial when the plan was made; ``apply`` refuses the plan once another apply ran.
    state_serial: int | None = None

    @property
    def has_changes(self) -> bool:
        return bool(self.steps)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.steps:
            out[s.action] = out.get(s.action, 0) + 1
        return out

    def to_json(self) -> str:
        data = {
            "version": PLAN_FORMAT, "stack": self.stack, "environment": self.environment, "target": self.target,
            "stack_hash": self.stack_hash, "warnings": self.warnings, "unchanged": self.unchanged,
            "steps": [s.to_dict() for s in self.steps], "state_serial": self.state_serial,
        }  # fmt: skip
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def load(cls, path: Path) -> Plan:
        """Read a plan saved by ``plan --out``; an unreadable file is one clear :class:`StateCorrupted`."""
        what = f"plan file {path}"
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StateCorrupted(
                f"{what} is not UTF-8 text ({exc.reason} at byte {exc.start}); {RECOVER_PLAN}"
            ) from None
        except OSError as exc:
            raise StateCorrupted(f"cannot read {what}: {exc.strerror or exc}") from None
        return cls.from_json(text, what)

    @classmethod
    def from_json(cls, text: str, source: str = "the saved plan") -> Plan:
        """Read a saved plan; raises :class:`~retell_dsl.deploy.records.StateCorrupted` if it is unreadable."""
        d = read_plan_text(text, source)
        try:
            steps = [Step.from_dict(s) for s in d.steps]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StateCorrupted(f"{source} has an unreadable step ({exc!r}); {RECOVER_PLAN}") from None
        return cls(
            stack=d.stack, environment=d.environment, target=d.target, steps=steps, warnings=list(d.warnings),
            stack_hash=d.stack_hash, unchanged=list(d.unchanged), state_serial=d.state_serial,
        )  # fmt: skip


@dataclass(frozen=True)
class Desired:
    """One compiled resource as the planner needs it."""

    address: str
    kind: str
    payload: dict[str, Any]
    depends_on: tuple[str, ...] = ()
    files: tuple[str, ...] = ()


def _create_changes(payload: Mapping[str, Any]) -> list[FieldChange]:
    return [FieldChange(k, MISSING, v) for k, v in sorted(payload.items())]


def make_plan(
    desired: list[Desired],
    state: Mapping[str, Owned],
    observed: Mapping[str, dict[str, Any] | None],
    *,
    stack: str,
    environment: str,
    target: str,
    publish: bool = False,
    force: bool = False,
    secrets: Secrets | None = None,
    state_serial: int | None = None,
    destroying: bool = False,
) -> Plan:
    """Compare desired payloads with state and observed remote objects; pure (no I/O).

    ``destroying``: the plan of ``destroy`` (everything goes, whether or not it is still in the code).
    """
    secrets = secrets or Secrets(None, {})
    ids = {a: o.remote_id for a, o in state.items() if o.remote_id and o.status == "applied"}
    plan = Plan(stack, environment, target, [], stack_hash=payload_hash([d.payload for d in desired]),
                state_serial=state_serial)  # fmt: skip
    wanted = {d.address for d in desired}
    users: dict[str, list[str]] = {}  # engine address → agent addresses using it
    for d in desired:
        for dep in d.depends_on:
            users.setdefault(dep, []).append(d.address)
    steps: dict[str, Step] = {}

    def add(step: Step) -> Step:
        steps[step.id] = step
        plan.steps.append(step)
        return step

    for d in desired:
        kind = KINDS[d.kind]
        owned = state.get(d.address)
        resolved = resolve_known(d.payload, ids)
        remote = observed.get(d.address)
        if owned is None or owned.remote_id is None or owned.status != "applied":
            reason = "an earlier apply was interrupted here; apply looks for the object before creating" if (
                owned is not None and owned.status == "creating") else ""  # fmt: skip
            add(Step("create", d.address, d.kind, None, d.payload, _create_changes(resolved), reason=reason,
                     files=list(d.files)))  # fmt: skip
            continue
        if kind.readable and remote is None:
            add(Step("create", d.address, d.kind, None, d.payload, _create_changes(resolved),
                     reason="deleted outside retell-dsl; it will be created again", files=list(d.files),
                     seen_id=owned.remote_id))  # fmt: skip
            continue
        last = owned.payload or {}
        fixed = [k for k in kind.create_only if resolved.get(k) != unseal(last.get(k)) and (k in resolved or k in last)]
        if not kind.readable:
            if payload_hash(resolved) != owned.hash:
                plan.warnings.append(
                    f"{d.address} was launched already and Retell cannot change a campaign; "
                    "give it a new name to launch a new one"
                )
            continue
        assert remote is not None
        fingerprint = fingerprint_of(remote, d.payload, last)
        if fixed:
            changes = [FieldChange(k, unseal(last.get(k, MISSING)), resolved.get(k, MISSING)) for k in sorted(fixed)]
            if kind.protected and not force:
                plan.warnings.append(
                    f"{d.address}: {', '.join(sorted(fixed))} cannot change without replacing it "
                    f"({d.kind.replace('_', ' ')}s are protected: pass --force to replace)"
                )
                continue
            add(Step("replace", d.address, d.kind, owned.remote_id, d.payload, changes, fingerprint=fingerprint,
                     files=list(d.files)))  # fmt: skip
            ids.pop(d.address, None)  # dependents must move to the new object: their references change
            continue
        comparable = kind.comparable(remote, last)
        fixed_fields = kind.create_only | kind.version_fields
        mutable = {k: v for k, v in resolved.items() if k not in fixed_fields}
        want_view, have_view = align(mutable, comparable, last, secrets)
        changes = diff_fields(want_view, have_view)
        changes += [FieldChange(k, have_view[k], None) for k in sorted(last) if k not in resolved
                    and k not in fixed_fields and have_view.get(k) is not None]  # fmt: skip
        if changes:
            add(Step("update", d.address, d.kind, owned.remote_id, d.payload, changes, fingerprint=fingerprint))
        if isinstance(kind, AgentKind):
            engine_changes = any(f"update:{dep}" in steps or f"replace:{dep}" in steps for dep in d.depends_on)
            if remote.get("is_published") and (changes or engine_changes):
                why = f"version {remote.get('version')} is published; edits go to a new draft"
                draft = add(Step("open_draft", d.address, d.kind, owned.remote_id, fingerprint=fingerprint, reason=why))
                for dep in d.depends_on:
                    for action in ("update", "replace"):
                        if f"{action}:{dep}" in steps:
                            steps[f"{action}:{dep}"].after.append(draft.id)
            unpublished = not remote.get("is_published")
            if publish and (changes or engine_changes or unpublished):
                details = {k: resolved[k] for k in sorted(kind.version_fields) if k in resolved}
                add(Step("publish", d.address, d.kind, owned.remote_id, details or None, fingerprint=fingerprint))

    for d in desired:
        if isinstance(KINDS[d.kind], AgentKind) and publish and f"create:{d.address}" in steps:
            details = {k: d.payload[k] for k in sorted(KINDS[d.kind].version_fields) if k in d.payload}
            add(Step("publish", d.address, d.kind, None, details or None))
    _wire_dependencies(plan, desired, steps)
    _plan_deletions(plan, state, wanted, force, destroying=destroying)
    plan.steps = _in_order(plan.steps)
    touched = {s.address for s in plan.steps}
    plan.unchanged = [d.address for d in desired if d.address not in touched]
    return plan


def _wire_dependencies(plan: Plan, desired: list[Desired], steps: Mapping[str, Step]) -> None:
    """Each step waits for the steps of the resources it refers to (and publish for its own update)."""
    deps = {d.address: d.depends_on for d in desired}
    for step in plan.steps:
        if step.action == "open_draft":
            continue
        own = [f"{a}:{step.address}" for a in ("create", "update", "replace", "open_draft")]
        if step.action == "publish":
            step.after += [s for s in own if s in steps]
        for dep in deps.get(step.address, ()):
            step.after += [f"{a}:{dep}" for a in ("create", "update", "replace", "publish") if f"{a}:{dep}" in steps]
        if step.action == "update":
            step.after += [f"open_draft:{step.address}"] if f"open_draft:{step.address}" in steps else []
        step.after = sorted(set(step.after) - {step.id})


def _in_order(steps: list[Step]) -> list[Step]:
    """Steps in an order a reviewer can follow: each after those it waits for, otherwise as planned."""
    placed: set[str] = set()
    out: list[Step] = []
    pending = list(steps)
    known = {s.id for s in steps}
    while pending:
        for i, step in enumerate(pending):
            if all(a in placed or a not in known for a in step.after):
                out.append(pending.pop(i))
                placed.add(step.id)
                break
        else:  # a cycle cannot happen in a plan; keep the rest as they are rather than loop
            out.extend(pending)
            break
    return out


def _plan_deletions(
    plan: Plan, state: Mapping[str, Owned], wanted: set[str], force: bool, *, destroying: bool = False
) -> None:
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    gone = sorted((a for a in state if a not in wanted), key=lambda a: -rank.get(state[a].kind, 0))
    others = [s.id for s in plan.steps]
    deletes: list[Step] = []
    kept: list[str] = []
    for address in gone:
        owned = state[address]
        kind = KINDS[owned.kind]
        if owned.remote_id is None:
            continue
        if kind.protected and not force:
            kept.append(address)
            noun = owned.kind.replace("_", " ")
            if destroying:
                irreversible = " (releasing a number is irreversible)" if owned.kind == "phone_number" else ""
                plan.warnings.append(
                    f"{address} is kept: {noun}s are protected; pass --force to delete it too{irreversible}"
                )
            else:
                plan.warnings.append(
                    f"{address} is no longer in the code but {noun}s are protected: it is kept; pass --force to "
                    "delete it"
                )
            continue
        later = [s.id for s in deletes if rank[s.kind] > rank[owned.kind]]
        step = Step("delete", address, owned.kind, owned.remote_id, changes=[], after=sorted(others + later))
        deletes.append(step)
    plan.steps.extend(deletes)
    _warn_dangling_numbers(plan, state, kept, deletes)


def _warn_dangling_numbers(plan: Plan, state: Mapping[str, Owned], kept: list[str], deletes: list[Step]) -> None:
    """A kept phone number bound to an agent the plan deletes would route calls nowhere: say how to fix it."""
    deleted = {s.remote_id: s.address for s in deletes if s.kind == "agent" and s.remote_id}
    for address in kept:
        owned = state[address]
        if owned.kind != "phone_number" or not deleted:
            continue
        bound = sorted({deleted[v] for v in json_strings(owned.payload) if v in deleted})
        if bound:
            number = owned.remote_id
            plan.warnings.append(
                f"{address} ({number}) stays bound to {', '.join(bound)}, which this plan deletes: calls to it "
                f"will fail. Bind it to another agent (retell-dsl numbers update {number} --inbound-agent "
                f"AGENT_ID) or release it (pass --force, or retell-dsl numbers delete {number})"
            )
