"""Drift: per field, whether the remote changed (someone edited the dashboard) or the code changed.

Both are measured against the payload last applied (kept in the state file), so the two kinds
of change are told apart: ``remote`` lists fields where Retell no longer has what was applied,
``code`` lists fields where the code now asks for something else. Refresh-only: nothing is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from retell_dsl.deploy.diff import FieldChange, diff_fields
from retell_dsl.deploy.kinds import KINDS
from retell_dsl.deploy.plan import resolve_known
from retell_dsl.deploy.project import desired_of

if TYPE_CHECKING:
    from retell import Retell

    from retell_dsl.builders.stack import Stack
    from retell_dsl.deploy.project import Project

__all__ = ["Drift", "detect_drift"]


@dataclass
class Drift:
    address: str
    kind: str
    remote: list[FieldChange] = field(default_factory=list)
    code: list[FieldChange] = field(default_factory=list)
    status: str = "ok"  # ok | drifted | deleted_remotely | not_applied | not_in_code | unreadable

    @property
    def drifted(self) -> bool:
        return self.status != "ok"

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address, "kind": self.kind, "status": self.status,
            "remote": [c.to_dict() for c in self.remote], "code": [c.to_dict() for c in self.code],
        }  # fmt: skip


def detect_drift(project: Project, stack: Stack, client: Retell) -> list[Drift]:
    from retell_dsl.checked import compile

    state = project.state()
    gw = project.gateway(client)
    desired = {d.address: d for d in desired_of(compile(stack))}
    addresses = sorted(set(desired) | set(state.addresses()))
    observed = project.observe(gw, state, addresses)
    ids = {a: o.remote_id for a, o in state.items() if o.remote_id}
    out: list[Drift] = []
    for address in addresses:
        owned = state.get(address)
        d = desired.get(address)
        kind_name = owned.kind if owned else d.kind if d else "?"
        drift = Drift(address, kind_name)
        out.append(drift)
        if owned is None or owned.status != "applied" or owned.payload is None:
            drift.status = "not_applied"
            continue
        kind = KINDS[owned.kind]
        fixed = kind.create_only | kind.version_fields
        last = {k: v for k, v in owned.payload.items() if k not in fixed}
        if d is not None:
            wanted = resolve_known(d.payload, ids)
            wanted = {k: v for k, v in wanted.items() if k not in fixed}
            drift.code = diff_fields(wanted, last) + [
                FieldChange(k, last[k], None) for k in sorted(last) if k not in wanted
            ]
        if not kind.readable:
            drift.status = "unreadable" if d is None else "ok"
        elif observed.get(address) is None:
            drift.status = "deleted_remotely"
        else:
            drift.remote = [
                FieldChange(c.path, c.after, c.before)  # before = applied, after = what Retell has now
                for c in diff_fields(last, kind.comparable(observed[address] or {}, owned.payload))
            ]
        if drift.status == "ok" and (drift.remote or drift.code):
            drift.status = "drifted"
        if d is None and drift.status == "ok":
            drift.status = "not_in_code"
    return out
