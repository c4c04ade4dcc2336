"""The checked ``compile(spec)``: validate, then compile; what ``retell_dsl.compile`` is.

The layers run one way: builders → raw compile (:mod:`retell_dsl.compiler`, pure and unchecked)
→ validate (:mod:`retell_dsl.validation`, which may compile parts to check them) → this thin
module, the only place that joins the two. ``compile`` raises one
:class:`~retell_dsl.errors.ValidationFailed` listing every error; warnings do not block. Each
payload is typed as the SDK's request ``TypedDict``.

>>> from retell_dsl import RetellLLM, compile, to_json
>>> to_json(compile(RetellLLM(name="x", model="gpt-4.1", general_prompt="Be kind.")))
'{"general_prompt": "Be kind.", "model_config": {"primary": {"model": "gpt-4.1"}, "type": "cascading"}}'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast, overload

from retell_dsl.builders.agent import Agent
from retell_dsl.builders.batch import BatchCall
from retell_dsl.builders.chat_agent import ChatAgent
from retell_dsl.builders.flow import ConversationFlow
from retell_dsl.builders.flow.shared import SharedComponent
from retell_dsl.builders.kb import KnowledgeBase
from retell_dsl.builders.llm import RetellLLM
from retell_dsl.builders.phone import PhoneNumber
from retell_dsl.builders.stack import RESOURCE_TYPES, Resource, Stack
from retell_dsl.compiler import CompiledStack, compile_stack_unchecked, raw_payload
from retell_dsl.errors import InvalidArgument, ValidationFailed
from retell_dsl.validation import validate

if TYPE_CHECKING:  # annotations only: importing these at run time would load the whole SDK
    from retell.types.agent_create_params import AgentCreateParams
    from retell.types.batch_call_create_batch_call_params import BatchCallCreateBatchCallParams
    from retell.types.chat_agent_create_params import ChatAgentCreateParams
    from retell.types.conversation_flow_component_create_params import ConversationFlowComponentCreateParams
    from retell.types.conversation_flow_create_params import ConversationFlowCreateParams
    from retell.types.knowledge_base_create_params import KnowledgeBaseCreateParams
    from retell.types.llm_create_params import LlmCreateParams
    from retell.types.phone_number_create_params import PhoneNumberCreateParams
    from retell.types.phone_number_import_params import PhoneNumberImportParams

__all__ = ["compile"]


@overload
def compile(spec: Stack, *, call_variables: Iterable[str] = ...) -> CompiledStack: ...
@overload
def compile(spec: Agent, *, call_variables: Iterable[str] = ...) -> AgentCreateParams: ...
@overload
def compile(spec: ChatAgent, *, call_variables: Iterable[str] = ...) -> ChatAgentCreateParams: ...
@overload
def compile(spec: SharedComponent, *, call_variables: Iterable[str] = ...) -> ConversationFlowComponentCreateParams: ...
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
    if not isinstance(spec, (Stack, *RESOURCE_TYPES)):
        raise InvalidArgument(f"compile() takes a resource spec or a Stack, got {type(spec).__name__}")
    issues = validate(spec, call_variables=call_variables)
    if issues.errors:
        raise ValidationFailed(issues)
    if isinstance(spec, Stack):
        return compile_stack_unchecked(spec)
    return cast(Any, raw_payload(spec))
