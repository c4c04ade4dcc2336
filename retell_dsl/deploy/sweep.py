"""Finding and removing what killed test runs left behind, by the prefix their names carry.

:func:`find_leftovers` lists the objects whose name starts with the prefix
(:mod:`retell_dsl.deploy.runs`) and whose last change is older than a bound; :func:`delete_leftovers`
deletes them, each at most once, in an order Retell accepts (test cases and numbers, then agents,
then their engines, then components and knowledge bases). Nothing the prefix does not mark is
touched:

* agents and chat agents by ``agent_name``, knowledge bases by ``knowledge_base_name``, flow
  components by ``name``, phone numbers by ``nickname``;
* a Retell LLM or conversation flow (they carry no name) only as the engine of a marked agent, and
  only when no unmarked agent uses it and every test-case definition on it is marked too;
* test-case definitions by ``name``, looked for on those engines (Retell lists them per engine);
* a component or knowledge base that an engine outside the sweep still uses is kept (and says so).

An engine whose create finished just before its run was killed, before any agent used it, is
unmarked and stays: Retell gives it no name to mark. An object's age is the time since its last
change (Retell's timestamps); one without timestamps (a knowledge base that never refreshed) is
as old as its run, when the run id starts with the run's minute (:func:`~retell_dsl.deploy.runs.new_run_id`),
and otherwise only swept with ``older_than_s=0``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from retell_dsl.deploy.gateway import Gateway
from retell_dsl.deploy.runs import RUN_PREFIX
from retell_dsl.errors import ConfigurationError, RetellDSLError
from retell_dsl.wire.ids import engine_of

if TYPE_CHECKING:
    from retell import Retell

__all__ = ["Leftover", "Sweep", "age_from_name", "delete_leftovers", "find_leftovers", "parse_age"]

JSON = dict[str, Any]

#: kind → delete path template (``{}`` is the id); the order is the order of deletion.
_DELETE = {
    "test_case_definition": "/delete-test-case-definition/{}",
    "phone_number": "/delete-phone-number/{}",
    "chat_agent": "/delete-chat-agent/{}",
    "agent": "/delete-agent/{}",
    "conversation_flow": "/delete-conversation-flow/{}",
    "llm": "/delete-retell-llm/{}",
    "component": "/delete-conversation-flow-component/{}",
    "knowledge_base": "/delete-knowledge-base/{}",
}
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_age(text: str) -> float:
    """Seconds in ``30s``, ``45m``, ``2h``, ``1d`` or ``1h30m`` (a bare number is seconds).

    >>> parse_age("2h"), parse_age("1h30m"), parse_age("0")
    (7200.0, 5400.0, 0.0)
    """
    raw = text.strip().lower()
    if raw.replace(".", "", 1).isdigit():
        return float(raw)
    total, number = 0.0, ""
    for ch in raw:
        if ch.isdigit() or ch == ".":
            number += ch
        elif ch in _UNITS and number:
            total += float(number) * _UNITS[ch]
            number = ""
        else:
            number = "x"
            break
    if number or not raw:
        raise ConfigurationError(f"cannot read the age {text!r}: write e.g. 30m, 2h, 1d or 1h30m")
    return total


@dataclass(frozen=True, slots=True)
class Leftover:
    """One object to delete: its kind, remote id, a label for people and its age in seconds."""

    kind: str
    remote_id: str
    label: str
    age_s: float | None

    def describe(self) -> str:
        age = "age unknown" if self.age_s is None else f"{_human(self.age_s)} old"
        return f"{self.kind.replace('_', ' ')} {self.remote_id}  {self.label}  ({age})"


@dataclass
class Sweep:
    """What :func:`find_leftovers` found: ``leftovers`` to delete, ``kept`` (marked, but still in use: why)."""

    prefix: str
    older_than_s: float
    leftovers: list[Leftover]
    kept: list[str]


def _human(seconds: float) -> str:
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h{(s % 3600) // 60:02d}m"
    return f"{s // 86400}d{(s % 86400) // 3600:02d}h"


def _paged(gw: Gateway, method: str, path: str, what: str, query: Mapping[str, Any] | None = None) -> Iterator[JSON]:
    key: str | None = None
    while True:
        q: dict[str, Any] = {"limit": 1000, **(query or {}), **({"pagination_key": key} if key else {})}
        page = gw.request(method, path, what=what, query=q, body={} if method == "POST" else None)
        if isinstance(page, list):  # an endpoint without paging
            yield from page
            return
        yield from page.get("items") or []
        if not page.get("has_more") or not page.get("pagination_key"):
            return
        key = page.get("pagination_key")


def _age(item: Mapping[str, Any], now_ms: float, *fields: str, name: str = "") -> float | None:
    """Since the last change the object's timestamps say, else since its run started (by its name)."""
    stamps = [float(item[f]) for f in fields if isinstance(item.get(f), int | float)]
    return max(0.0, (now_ms - max(stamps)) / 1000) if stamps else age_from_name(name, now_ms)


def _old(age: float | None, older_than_s: float) -> bool:
    """Old enough: an object of unknown age only when everything is asked for (``--older-than 0``)."""
    return older_than_s <= 0 if age is None else age >= older_than_s


def age_from_name(name: str, now_ms: float) -> float | None:
    """The age a run id's start minute gives (``rdt-YYMMDDHHMMxxxx-…``, as :func:`new_run_id` makes them).

    >>> age_from_name("rdt-2612020600ab12-kb", now_ms=1796191200000 + 90_000)
    90.0
    >>> age_from_name("rdt-ci42-kb", now_ms=0) is None
    True
    """
    import calendar

    rest = name[len(RUN_PREFIX) :] if name.startswith(RUN_PREFIX) else ""
    stamp = rest.split("-", 1)[0][:10]
    if len(stamp) != 10 or not stamp.isdigit():
        return None
    try:
        started = calendar.timegm(time.strptime(stamp, "%y%m%d%H%M"))
    except ValueError:
        return None
    return max(0.0, (now_ms - started * 1000) / 1000)


def _read_agent(gw: Gateway, item: Mapping[str, Any]) -> JSON | None:
    noun = "chat-agent" if item.get("channel") == "chat" else "agent"
    found: JSON | None = gw.request("GET", f"/get-{noun}/{item['agent_id']}", what="reading an agent", missing_ok=True)
    return found


def find_leftovers(
    client: Retell, *, prefix: str, older_than_s: float, now_ms: float | None = None, concurrency: int = 8
) -> Sweep:
    """The objects named with ``prefix`` whose last change is at least ``older_than_s`` seconds old (reads only)."""
    if not prefix.strip():
        raise ConfigurationError("sweep needs a non-empty prefix: an empty one would mark every object")
    gw = Gateway(client)
    now = time.time() * 1000 if now_ms is None else now_ms
    out: list[Leftover] = []
    kept: list[str] = []
    agents = list(_paged(gw, "POST", "/v2/list-agents", "listing agents"))
    marked = [a for a in agents if str(a.get("agent_name") or "").startswith(prefix)]
    full: dict[str, JSON | None] = {}
    if marked:  # every agent is read: an engine that an unmarked agent also uses must stay
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            reads = pool.map(lambda a: _read_agent(gw, a), agents)
            full = dict(zip((str(a["agent_id"]) for a in agents), reads, strict=True))
    engines: dict[tuple[str, str], tuple[str, float | None]] = {}  # engine → the marked agent's name and age
    for item in marked:
        age = _age(item, now, "user_modified_timestamp", "last_modification_timestamp")
        if not _old(age, older_than_s):
            continue
        kind = "chat_agent" if item.get("channel") == "chat" else "agent"
        out.append(Leftover(kind, str(item["agent_id"]), repr(item.get("agent_name")), age))
        if (engine := engine_of(full.get(str(item["agent_id"])) or {})) is not None:
            engines.setdefault(engine, (str(item.get("agent_name")), age))
    swept_agents = {lo.remote_id for lo in out}
    for agent_id, agent in full.items():  # an engine an agent outside the sweep uses stays
        engine = engine_of(agent or {})
        if engine in engines and agent_id not in swept_agents:
            kept.append(f"{engine[0]} {engine[1]}: also the engine of agent {agent_id}, which the sweep keeps")
            engines.pop(engine)
    for (kind, ident), (owner, owner_age) in sorted(engines.items()):
        id_field = "llm_id" if kind == "llm" else "conversation_flow_id"
        engine_type = "retell-llm" if kind == "llm" else "conversation-flow"
        cases = list(_paged(gw, "GET", "/v2/list-test-case-definitions", "listing test cases",
                            {"type": engine_type, id_field: ident}))  # fmt: skip
        foreign = [c for c in cases if not str(c.get("name") or "").startswith(prefix)]
        for case in cases:
            if case not in foreign:
                age = _age(case, now, "user_modified_timestamp", "creation_timestamp")
                out.append(Leftover("test_case_definition", str(case["test_case_definition_id"]),
                                    repr(case.get("name")), age))  # fmt: skip
        if foreign:
            kept.append(f"{kind} {ident}: it has {len(foreign)} test case(s) not named {prefix!r}")
            continue
        out.append(Leftover(kind, ident, f"the engine of agent {owner!r}", owner_age))
    out += _named_others(gw, prefix, older_than_s, now, swept={(lo.kind, lo.remote_id) for lo in out}, kept=kept)
    order = list(_DELETE)
    out.sort(key=lambda lo: (order.index(lo.kind), lo.label, lo.remote_id))
    return Sweep(prefix, older_than_s, out, kept)


def _named_others(
    gw: Gateway, prefix: str, older_than_s: float, now: float, *, swept: set[tuple[str, str]], kept: list[str]
) -> list[Leftover]:
    """Knowledge bases, components and phone numbers named with ``prefix`` (kept while something else uses them)."""
    out: list[Leftover] = []
    engines = [("llm", e, "llm_id") for e in _paged(gw, "GET", "/v2/list-retell-llms", "listing LLMs")]
    engines += [("conversation_flow", e, "conversation_flow_id")
                for e in _paged(gw, "GET", "/v2/list-conversation-flows", "listing flows")]  # fmt: skip
    staying = [(k, e) for k, e, f in engines if (k, str(e.get(f))) not in swept]
    for kb in gw.request("GET", "/list-knowledge-bases", what="listing knowledge bases") or []:
        name, ident = str(kb.get("knowledge_base_name") or ""), str(kb.get("knowledge_base_id"))
        if not name.startswith(prefix):
            continue
        users = [f"{k} {e.get('llm_id') or e.get('conversation_flow_id')}" for k, e in staying
                 if ident in (e.get("knowledge_base_ids") or [])]  # fmt: skip
        if users:
            kept.append(f"knowledge base {ident} {name!r}: still used by {', '.join(sorted(set(users)))}")
            continue
        age = _age(kb, now, "user_modified_timestamp", "last_refreshed_timestamp", name=name)
        if _old(age, older_than_s):
            out.append(Leftover("knowledge_base", ident, repr(name), age))
    flows = {str(e.get("conversation_flow_id")) for k, e in staying if k == "conversation_flow"}
    components = _paged(gw, "GET", "/v2/list-conversation-flow-components", "listing components")
    for comp in components:
        name, ident = str(comp.get("name") or ""), str(comp.get("conversation_flow_component_id"))
        if not name.startswith(prefix):
            continue
        if users := sorted(flows & {str(f) for f in comp.get("linked_conversation_flow_ids") or []}):
            kept.append(f"component {ident} {name!r}: still linked to flow(s) {', '.join(users)}")
            continue
        age = _age(comp, now, "user_modified_timestamp", "last_modification_timestamp")
        if _old(age, older_than_s):
            out.append(Leftover("component", ident, repr(name), age))
    for number in _paged(gw, "GET", "/v2/list-phone-numbers", "listing phone numbers"):
        name = str(number.get("nickname") or "")
        if name.startswith(prefix):
            age = _age(number, now, "last_modification_timestamp")
            if _old(age, older_than_s):
                out.append(Leftover("phone_number", str(number["phone_number"]), f"{name!r} (released for good)", age))
    return out


def delete_leftovers(
    client: Retell, sweep: Sweep, *, on_done: Callable[[Leftover, str | None], None] | None = None
) -> list[tuple[Leftover, str]]:
    """Delete what ``sweep`` found, in order; returns the failures (each with its one-line reason).

    An object already gone counts as deleted. ``on_done(leftover, error)`` is told of each.
    """
    gw = Gateway(client)
    failed: list[tuple[Leftover, str]] = []
    for lo in sweep.leftovers:
        error: str | None = None
        try:
            gw.request("DELETE", _DELETE[lo.kind].format(lo.remote_id), what=lo.describe(), missing_ok=True)
        except RetellDSLError as exc:
            error = str(exc)
            failed.append((lo, error))
        if on_done is not None:
            on_done(lo, error)
    return failed
