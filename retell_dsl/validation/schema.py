"""RD001/RD002: compiled payloads checked against retell-sdk's request TypedDicts."""

from __future__ import annotations

from retell_dsl.builders.agent import Agent
from retell_dsl.builders.base import UNSET
from retell_dsl.builders.batch import BatchCall
from retell_dsl.builders.chat_agent import ChatAgent
from retell_dsl.builders.flow import ConversationFlow
from retell_dsl.builders.flow.shared import SharedComponent
from retell_dsl.builders.kb import KnowledgeBase
from retell_dsl.builders.llm import RetellLLM
from retell_dsl.builders.phone import PhoneNumber
from retell_dsl.builders.stack import Resource, kind_of
from retell_dsl.compiler.values import JSON
from retell_dsl.validation._collect import Collector
from retell_dsl.validation.issues import path
from retell_dsl.wire import check_payload
from retell_dsl.wire.sdk_types import sdk_types

__all__ = ["check_schema", "schema_for"]


def schema_for(resource: Resource) -> object:
    """The SDK request type a resource's payload must match."""
    (  # only these modules of retell.types, not the whole SDK (lint stays quick: see wire.sdk_types)
        agent_create_params,
        batch_call_create_batch_call_params,
        chat_agent_create_params,
        conversation_flow_component_create_params,
        conversation_flow_create_params,
        knowledge_base_create_params,
        llm_create_params,
        phone_number_create_params,
        phone_number_import_params,
    ) = sdk_types(
        "agent_create_params",
        "batch_call_create_batch_call_params",
        "chat_agent_create_params",
        "conversation_flow_component_create_params",
        "conversation_flow_create_params",
        "knowledge_base_create_params",
        "llm_create_params",
        "phone_number_create_params",
        "phone_number_import_params",
    )
    if isinstance(resource, PhoneNumber):
        if resource.sip_trunk is not UNSET:
            return phone_number_import_params.PhoneNumberImportParams
        return phone_number_create_params.PhoneNumberCreateParams
    table: dict[type, object] = {
        KnowledgeBase: knowledge_base_create_params.KnowledgeBaseCreateParams,
        RetellLLM: llm_create_params.LlmCreateParams,
        ConversationFlow: conversation_flow_create_params.ConversationFlowCreateParams,
        Agent: agent_create_params.AgentCreateParams,
        ChatAgent: chat_agent_create_params.ChatAgentCreateParams,
        SharedComponent: conversation_flow_component_create_params.ConversationFlowComponentCreateParams,
        BatchCall: batch_call_create_batch_call_params.BatchCallCreateBatchCallParams,
    }
    return table[type(resource)]


def check_schema(c: Collector, resource: Resource, payload: JSON) -> None:
    """Every schema mismatch of the payload.

    What Retell tolerates (``SchemaIssue.tolerated``: keys and open-catalogue values such as model
    names the SDK does not list; see ``retell_dsl.wire.schema``) is a warning, RD002; what Retell
    rejects is an error, RD001.
    """
    where = f"{kind_of(resource)} '{resource.name}'"
    for issue in check_payload(payload, schema_for(resource)):
        here = path(where, f"payload.{issue.path}" if issue.path else "payload")
        if issue.kind == "unknown_value":
            c.add(
                "RD002",
                here,
                issue.message,
                at=resource,
                hint="Retell accepts values newer or older than retell-sdk; check the spelling, or ignore this warning",
            )
        elif issue.kind == "unknown_field":
            key = issue.path.rsplit(".", 1)[-1]
            c.add(
                "RD002",
                here,
                f"{issue.message}: retell-sdk does not know {key!r}",
                at=resource,
                hint="check the spelling in extra=; if it is a newer API field, ignore this warning",
            )
        else:
            c.add(
                "RD001",
                here,
                issue.message,
                at=resource,
                hint="fix the value (see retell-api.md or the SDK's request types)",
            )
