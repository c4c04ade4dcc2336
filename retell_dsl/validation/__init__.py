"""``validate(spec)``: every issue at once, each with a code, a severity, a path, file:line and a fix.

Validation never raises on a spec value: it collects. It sits above the raw compiler (it compiles
parts of specs to check them) and below the checked ``compile()`` (:mod:`retell_dsl.checked`), which
runs it and raises one
:class:`~retell_dsl.errors.ValidationFailed` listing every error.

>>> from retell_dsl import ConversationFlow, ConversationNode, EndNode, validate
>>> flow = (ConversationFlow(name="f").node(ConversationNode(name="hi", prompt="Say hi").always("bye"))
...         .node(EndNode(name="bye")).start_at("hi"))
>>> validate(flow).codes
()
"""

from __future__ import annotations

from collections.abc import Iterable

from retell_dsl.builders.agent import Agent
from retell_dsl.builders.batch import BatchCall
from retell_dsl.builders.flow import ConversationFlow
from retell_dsl.builders.flow.shared import SharedComponent
from retell_dsl.builders.llm import RetellLLM
from retell_dsl.builders.stack import RESOURCE_TYPES, Ref, Resource, Stack, kind_of
from retell_dsl.builders.traverse import collect, dependencies
from retell_dsl.compiler import raw_payload
from retell_dsl.compiler.stack import ref_addresses
from retell_dsl.errors import InvalidArgument
from retell_dsl.validation._collect import Collector
from retell_dsl.validation.choices import check_choices
from retell_dsl.validation.components import check_shared_component, check_shared_references
from retell_dsl.validation.flow import check_flow
from retell_dsl.validation.issues import CODES, Issue, Issues, Severity, path
from retell_dsl.validation.llm import check_llm
from retell_dsl.validation.schema import check_schema, schema_for
from retell_dsl.validation.speech import check_speech, languages
from retell_dsl.validation.values import PROMPT_BUDGET, check_values
from retell_dsl.validation.variables import SYSTEM_VARIABLES, check_variables

__all__ = [
    "CODES",
    "PROMPT_BUDGET",
    "SYSTEM_VARIABLES",
    "Issue",
    "Issues",
    "Severity",
    "languages",
    "schema_for",
    "validate",
]


def validate(
    spec: Resource | Stack,
    *,
    call_variables: Iterable[str] = (),
    prompt_budget: int = PROMPT_BUDGET,
) -> Issues:
    """Every issue of ``spec`` (a resource or a Stack) and of everything it references."""
    __tracebackhide__ = True
    if isinstance(spec, Stack):
        roots, name, declared = spec.resources, spec.name, (*spec.call_variables, *call_variables)
    elif isinstance(spec, RESOURCE_TYPES):
        roots, name, declared = (spec,), "", tuple(call_variables)
    else:
        raise InvalidArgument(f"validate() takes a resource spec or a Stack, got {type(spec).__name__}")
    c = Collector()
    found = collect(roots)
    batch_vars = {
        v for rs in found.values() for r in rs if isinstance(r, BatchCall) for t in r.tasks for v in t.variables
    }
    variables = {*declared, *batch_vars}
    for address, claims in sorted(found.items()):
        if len(claims) > 1:
            c.add(
                "RD601",
                path(f"stack '{name}'" if name else "", address),
                f"{len(claims)} different specs are named {address!r}",
                at=claims[1],
                hint="give each resource of one kind a unique name, or reuse the same spec value",
            )
        resource = claims[0]
        _check_resource(c, resource, variables, prompt_budget)
    check_shared_references(c, found)
    _cycles(c, found)
    return Issues(c.issues)


def _check_resource(c: Collector, resource: Resource, variables: set[str], budget: int) -> None:
    try:
        payload = raw_payload(resource)
    except Exception as exc:  # pragma: no cover - a compiler bug must not hide the other issues
        c.add("RD001", f"{Ref.to(resource).address}", f"could not compile: {exc!r}", at=resource)
        payload = None
    own = Collector()
    chosen = check_choices(own, resource)
    language = check_speech(own, resource) if isinstance(resource, Agent) else False
    if payload is not None:
        schema = Collector()
        check_schema(schema, resource, payload)
        c.issues.extend(i for i in schema.issues if not _covered(i, resource, chosen, language))
    c.issues.extend(own.issues)
    check_values(c, resource, budget)
    if isinstance(resource, RetellLLM):
        check_llm(c, resource)
        check_variables(c, resource, variables)
    elif isinstance(resource, ConversationFlow):
        check_flow(c, resource)
        check_variables(c, resource, variables)
    elif isinstance(resource, SharedComponent):
        check_shared_component(c, resource)


def _covered(issue: Issue, resource: Resource, chosen: set[tuple[str, object]], language: bool) -> bool:
    """Whether a schema RD001 repeats a mistake a clearer rule (RD406, RD412) already reported."""
    if issue.code != "RD001":
        return False
    where = path(f"{kind_of(resource)} '{resource.name}'", "payload.")
    if not issue.path.startswith(where):
        return False
    key = issue.path.rsplit(".", 1)[-1]
    if language and key.split("[", 1)[0] == "language":
        return True
    return any(key == k and issue.message.endswith(f"string {v!r}") for k, v in chosen)


def _edges(resource: Resource, found: dict[str, list[Resource]]) -> list[str]:
    """What ``resource`` refers to: specs it holds, and stack resources named by ``$ref:`` markers.

    Specs are immutable, so a cycle (two agents swapping to each other) closes through a marker.
    """
    try:
        marked = {a for a in ref_addresses(raw_payload(resource)) if a in found}
    except Exception:  # pragma: no cover - reported as RD001 by _check_resource
        marked = set()
    return sorted({Ref.to(d).address for d in dependencies(resource)} | marked)


def _cycles(c: Collector, found: dict[str, list[Resource]]) -> None:
    graph = {a: _edges(rs[0], found) for a, rs in found.items()}
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                cycle = [*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    resource = found[nxt][0]
                    c.add(
                        "RD602",
                        nxt,
                        "reference cycle: " + " → ".join(cycle),
                        at=resource,
                        hint=(
                            "apply cannot create both sides in one run: deploy one agent "
                            "first with the other's swap pointing at an existing agent id, then close the loop"
                        ),
                    )
            elif state.get(nxt) is None:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for address in sorted(graph):
        if address not in state:
            visit(address, [address])
