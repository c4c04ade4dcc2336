"""Lost state: before creating what the state has never heard of, look for it remotely.

If ``.retell/state/<env>.json`` was deleted (or never copied to this machine), every object looks
new and ``apply`` would create all of them again — agents, knowledge bases, phone numbers bought
twice. So, before the first create of a kind the state owns nothing of, ``apply`` lists that kind
remotely and refuses when an object not owned by any environment here matches by identity:

* agents by ``agent_name`` (their LLMs and flows have no name: they come with the agents);
* knowledge bases by ``knowledge_base_name``;
* phone numbers by ``phone_number`` (an imported number) or ``nickname``; a bought number with
  neither is only known by its area code, too loose to match: the agents it is bound to are.

The hint says how to adopt them (``retell-dsl import``) or to proceed anyway
(``apply --allow-duplicates``, ``Project.apply(allow_duplicates=True)``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from retell_dsl.deploy.gateway import Gateway
from retell_dsl.deploy.kinds import KINDS
from retell_dsl.deploy.plan import Plan
from retell_dsl.deploy.state import StateFile
from retell_dsl.errors import RetellDSLError

__all__ = ["RemoteDuplicates", "check_lost_state", "owned_elsewhere"]

JSON = dict[str, Any]


class RemoteDuplicates(RetellDSLError):
    """Creating would duplicate objects that already exist remotely (was the state file lost?)."""


def _agents(gw: Gateway) -> Iterator[JSON]:
    key: str | None = None
    while True:
        query: dict[str, Any] = {"limit": 1000, **({"pagination_key": key} if key else {})}
        page = gw.request("POST", "/v2/list-agents", what="looking for existing agents", body={}, query=query)
        yield from page["items"]
        if not page.get("has_more"):
            return
        key = page.get("pagination_key")


def _listing(gw: Gateway, kind: str) -> Iterator[JSON]:
    if kind == "agent":
        return _agents(gw)
    return KINDS[kind].list_all(gw, f"looking for existing {kind.replace('_', ' ')}s")


def _matches(kind: str, payload: JSON, item: JSON) -> str | None:
    """How ``item`` matches the desired ``payload`` (a phrase for the message), or None."""
    if kind == "agent" and payload.get("agent_name") and item.get("agent_name") == payload["agent_name"]:
        return f"agent {item['agent_name']!r} ({item['agent_id']})"
    if kind == "knowledge_base" and item.get("knowledge_base_name") == payload.get("knowledge_base_name"):
        return f"knowledge base {item['knowledge_base_name']!r} ({item['knowledge_base_id']})"
    if kind == "phone_number":
        if payload.get("phone_number") and str(item.get("phone_number")) == payload["phone_number"]:
            return f"phone number {item['phone_number']}"
        if payload.get("nickname") and item.get("nickname") == payload["nickname"]:
            return f"phone number {item['phone_number']} ({item['nickname']!r})"
    return None


def owned_elsewhere(state: StateFile) -> dict[str, tuple[str, str]]:
    """Remote ids the other environments' state files (same directory) own: id → (environment, address)."""
    from retell_dsl.errors import ConfigurationError

    ids: dict[str, tuple[str, str]] = {}
    for path in sorted(state.path.parent.glob("*.json")):
        if path == state.path:
            continue
        try:
            other = StateFile.load(path, environment=path.stem)
        except ConfigurationError:
            continue  # unreadable: its objects count as unowned, which can only make this check stricter
        ids.update({o.remote_id: (path.stem, address) for address, o in other.items() if o.remote_id})
    return ids


def check_lost_state(plan: Plan, gw: Gateway, state: StateFile) -> None:
    """Raise :class:`RemoteDuplicates` if the plan's creates would duplicate unowned remote objects."""
    owned = state.items()
    applied_kinds = {o.kind for _, o in owned if o.status == "applied"}
    known = {a for a, _ in owned}
    creates: dict[str, list[JSON]] = {}
    for step in plan.steps:
        new = step.action == "create" and step.address not in known and step.kind not in applied_kinds
        if new and step.kind in ("agent", "knowledge_base", "phone_number"):
            creates.setdefault(step.kind, []).append(step.payload or {})
    if not creates:
        return
    ours = {o.remote_id for _, o in owned if o.remote_id} | set(owned_elsewhere(state))
    found: list[str] = []
    for kind, payloads in creates.items():
        id_field = KINDS[kind].id_field
        for item in _listing(gw, kind):
            if str(item.get(id_field)) in ours:
                continue
            match = next((m for p in payloads if (m := _matches(kind, p, item))), None)
            if match and match not in found:
                found.append(match)
    if found:
        agents = [m.rsplit("(", 1)[-1].rstrip(")") for m in found if m.startswith("agent ")]
        adopt = f"--agent {' --agent '.join(agents)}" if agents else "--agent AGENT_ID"
        raise RemoteDuplicates(
            f"environment {state.environment!r} has no state for these, but Retell already has: {'; '.join(found)}. "
            f"Was {state.path} lost? Nothing was created. Adopt them with `retell-dsl import {adopt} -o app.py "
            f"--env {state.environment}`, or pass --allow-duplicates to create new copies anyway"
        )
