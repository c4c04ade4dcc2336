"""``compile(spec)``: pure and deterministic, from specs to the exact Retell request payloads.

``compile`` validates first and raises one :class:`~retell_dsl.errors.ValidationFailed` listing
every error; warnings do not block. Each payload is typed as the SDK's request ``TypedDict``.
The same spec always gives byte-identical JSON (:func:`to_json`): payload lists keep spec order,
generated ids derive from names (node ``"Greet caller"`` → id ``"greet-caller"``, its else edge
``"greet-caller.else"``, flow tool ``"book"`` → ``"tool-book"``), and nothing is random.

>>> from retell_dsl import RetellLLM, compile, to_json
>>> to_json(compile(RetellLLM(name="x", model="gpt-4.1", general_prompt="Be kind.")))
'{"general_prompt": "Be kind.", "model_config": {"primary": {"model": "gpt-4.1"}, "type": "cascading"}}'
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, cast, overload

from retell.types.agent_create_params import AgentCreateParams
from retell.types.batch_call_create_batch_call_params import BatchCallCreateBatchCallParams
from retell.types.conversation_flow_create_params import ConversationFlowCreateParams
from retell.types.knowledge_base_create_params import KnowledgeBaseCreateParams
from retell.types.llm_create_params import LlmCreateParams
from retell.types.phone_number_create_params import PhoneNumberCreateParams
from retell.types.phone_number_import_params import PhoneNumberImportParams

from retell_dsl.builders.agent import Agent
from retell_dsl.builders.batch import BatchCall
from retell_dsl.builders.flow import ConversationFlow
from retell_dsl.builders.kb import KnowledgeBase
from retell_dsl.builders.llm import RetellLLM
from retell_dsl.builders.phone import PhoneNumber
from retell_dsl.builders.stack import RESOURCE_TYPES, Resource, Stack
from retell_dsl.compiler.resources import ENV_PREFIX
from retell_dsl.compiler.stack import (
    CompiledResource,
    CompiledStack,
    compile_stack_unchecked,
    raw_payload,
    resolve_refs,
)
from retell_dsl.errors import InvalidArgument, ValidationFailed

__all__ = [
    "ENV_PREFIX",
    "CompiledResource",
    "CompiledStack",
    "compile",
    "resolve_refs",
    "to_json",
]


@overload
def compile(spec: Stack, *, call_variables: Iterable[str] = ...) -> CompiledStack: ...
@overload
def compile(spec: Agent, *, call_variables: Iterable[str] = ...) -> AgentCreateParams: ...
@overload
def compile(spec: RetellLLM, *, call_variables: Iterable[str] = ...) -> LlmCreateParams: ...
@overload
def compile(spec: ConversationFlow, *, call_variables: Iterable[str] = ...) -> ConversationFlowCreateParams: ...
@overload
def compile(spec: KnowledgeBase, *, call_variables: Iterable[str] = ...) -> KnowledgeBaseCreateParams: ...
@overload
def compile(
    spec: PhoneNumber, *, call_variables: Iterable[str] = ...
) -> PhoneNumberCreateParams | PhoneNumberImportParams: ...
@overload
def compile(spec: BatchCall, *, call_variables: Iterable[str] = ...) -> BatchCallCreateBatchCallParams: ...
def compile(spec: Resource | Stack, *, call_variables: Iterable[str] = ()) -> Any:
    """Validate, then compile a resource to its payload or a Stack to a :class:`CompiledStack`.

    References to other resources become ``"$ref:<kind>.<name>"`` markers (see
    ``retell_dsl.compiler.stack``). Raises :class:`ValidationFailed` listing every error.
    """
    __tracebackhide__ = True
    from retell_dsl.validation import validate

    if not isinstance(spec, (Stack, *RESOURCE_TYPES)):
        raise InvalidArgument(f"compile() takes a resource spec or a Stack, got {type(spec).__name__}")
    issues = validate(spec, call_variables=call_variables)
    if issues.errors:
        raise ValidationFailed(issues)
    if isinstance(spec, Stack):
        return compile_stack_unchecked(spec)
    return cast(Any, raw_payload(spec))


def to_json(payload: object, *, indent: int | None = None) -> str:
    """Deterministic JSON of a payload or a compiled stack (sorted keys, UTF-8 text)."""
    if isinstance(payload, CompiledStack):
        return payload.to_json(indent=indent)
    return json.dumps(payload, indent=indent, sort_keys=True, ensure_ascii=False)
