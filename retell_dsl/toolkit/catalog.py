"""The 38 operations of the Retell toolkit: one declarative table for the CLI and the MCP server.

Each entry names the SDK call and its request type; the adapters derive flags,
JSON Schemas and help from it. Descriptions are written for an AI agent deciding
which tool to use.

>>> len(OPERATIONS), OPERATIONS[0].name, OPERATIONS[-1].name
(38, 'list_voices', 'delete_knowledge_base')
>>> get_operation("publish_agent").kind
'write'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from retell.types import (
    agent_create_params,
    agent_list_params,
    agent_publish_params,
    agent_retrieve_params,
    agent_update_params,
    batch_call_create_batch_call_params,
    call_create_phone_call_params,
    call_create_web_call_params,
    call_list_params,
    call_update_params,
    conversation_flow_create_params,
    conversation_flow_delete_params,
    conversation_flow_list_params,
    conversation_flow_retrieve_params,
    conversation_flow_update_params,
    knowledge_base_add_sources_params,
    knowledge_base_create_params,
    llm_create_params,
    llm_delete_params,
    llm_list_params,
    llm_retrieve_params,
    llm_update_params,
    phone_number_create_params,
    phone_number_import_params,
    phone_number_list_params,
    phone_number_update_params,
)

from retell_dsl.errors import InvalidArgument
from retell_dsl.toolkit.operation import Operation, PathParam

if TYPE_CHECKING:
    from retell import Retell

__all__ = ["OPERATIONS", "get_operation"]

_AGENT = PathParam("agent_id", "Id of the voice agent, e.g. agent_3f2a...; find it with list_agents.")
_LLM = PathParam("llm_id", "Id of the Retell LLM response engine, e.g. llm_...; find it with list_llms.")
_FLOW = PathParam(
    "conversation_flow_id",
    "Id of the conversation flow, e.g. conversation_flow_...; find it with list_conversation_flows.",
)
_CALL = PathParam("call_id", "Id of the call, e.g. call_...; find it with list_calls.")
_NUMBER = PathParam("phone_number", "The phone number in E.164 form, e.g. +14155551234.")
_KB = PathParam("knowledge_base_id", "Id of the knowledge base, e.g. knowledge_base_...; see list_knowledge_bases.")
_FILES = {
    "type": "array",
    "items": {"type": "string"},
    "description": "Paths of local files to upload (pdf, docx, txt, md, csv...); at most 25, 50 MB each.",
}
#: Appended to every delete tool's description.
_IMMEDIATE = " Acts immediately: there is no confirmation step and no undo."
_PAGING = (
    " Returns one page {items, has_more, pagination_key}; pass pagination_key back to get the next page"
    " (limit: default 50, at most 1000)."
)


def _publish_agent(client: Retell, path: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    """Publish the latest draft (or ``version``) and open a new draft based on it (6.x endpoints only)."""
    agent_id = path["agent_id"]
    version = body.pop("version", None)
    if version is None:
        latest = client.agent.retrieve(agent_id)
        version = latest.version
        if version is None:
            raise InvalidArgument(f"agent_id: agent {agent_id!r} reports no version to publish")
        already = bool(latest.is_published)
    else:
        already = bool(client.agent.retrieve(agent_id, version=version).is_published)
    if not already:
        client.agent.publish(agent_id, version=version, **body)
    draft = client.agent.create_version(agent_id, base_version=version)
    return {
        "agent_id": agent_id,
        "published_version": version,
        "was_already_published": already,
        "draft_version": draft.version,
        "draft": draft.to_dict(mode="json"),
    }


def _delete_kb_source(client: Retell, path: dict[str, str], body: dict[str, Any]) -> object:
    return client.knowledge_base.delete_source(path["source_id"], knowledge_base_id=path["knowledge_base_id"])


def _op(**kwargs: Any) -> Operation:
    return Operation(**kwargs)


OPERATIONS: tuple[Operation, ...] = (
    # ----------------------------------------------------------------- reads
    _op(
        name="list_voices",
        title="List Voices",
        kind="read",
        sdk="voice.list",
        description="List every voice available to agents (id, name, provider, gender, accent, preview URL)."
        " Use it to pick a voice_id before create_agent or update_agent.",
    ),
    _op(
        name="get_voice",
        title="Get Voice",
        kind="read",
        sdk="voice.retrieve",
        path=(PathParam("voice_id", "Id of the voice, e.g. 11labs-Adrian or retell-Cimo."),),
        description="Get the details of one voice by id (provider, gender, accent, age, preview audio).",
    ),
    _op(
        name="list_agents",
        title="List Agents",
        kind="read",
        sdk="agent.list",
        params=agent_list_params.AgentListParams,
        paginated=True,
        description="List voice agents as summaries (agent_id, agent_name, channel, tags, last modified), one row"
        " per agent; filter_criteria.query matches a substring of the name or id. Use get_agent for the full"
        " configuration." + _PAGING,
    ),
    _op(
        name="get_agent",
        title="Get Agent",
        kind="read",
        sdk="agent.retrieve",
        path=(_AGENT,),
        params=agent_retrieve_params.AgentRetrieveParams,
        description="Get the full configuration of one voice agent: voice, response engine, prompts' engine id,"
        " webhook, analysis settings, version and whether it is published. Without version it returns the"
        " newest version (usually the editable draft).",
    ),
    _op(
        name="list_llms",
        title="List Llms",
        kind="read",
        sdk="llm.list",
        params=llm_list_params.LlmListParams,
        paginated=True,
        description="List Retell LLM response engines (prompt, model, tools, states) with their full configuration."
        + _PAGING,
    ),
    _op(
        name="get_llm",
        title="Get Llm",
        kind="read",
        sdk="llm.retrieve",
        path=(_LLM,),
        params=llm_retrieve_params.LlmRetrieveParams,
        description="Get one Retell LLM response engine: general prompt, begin message, model, tools, states and"
        " knowledge bases. Use it to read an agent's prompt (the agent's response_engine.llm_id).",
    ),
    _op(
        name="list_conversation_flows",
        title="List Conversation Flows",
        kind="read",
        sdk="conversation_flow.list",
        params=conversation_flow_list_params.ConversationFlowListParams,
        paginated=True,
        description="List conversation-flow response engines (nodes, edges, global prompt)." + _PAGING,
    ),
    _op(
        name="get_conversation_flow",
        title="Get Conversation Flow",
        kind="read",
        sdk="conversation_flow.retrieve",
        path=(_FLOW,),
        params=conversation_flow_retrieve_params.ConversationFlowRetrieveParams,
        description="Get one conversation flow with all its nodes, edges, tools and global prompt.",
    ),
    _op(
        name="list_calls",
        title="List Calls",
        kind="read",
        sdk="call.list",
        params=call_list_params.CallListParams,
        paginated=True,
        description="Search past and ongoing calls, newest first, without transcripts. filter_criteria narrows by"
        " agent (agent: [{agent_id, version?}]), call_status, call_type, direction, from_number/to_number,"
        " user_sentiment, call_successful, disconnection_reason, start_timestamp range (ms epoch, e.g."
        ' {"type":"range","op":"bt","value":[from,to]}), duration, cost, batch_call_id, metadata and more;'
        " all conditions are ANDed. Use get_call for a transcript." + _PAGING,
    ),
    _op(
        name="get_call",
        title="Get Call",
        kind="read",
        sdk="call.retrieve",
        path=(_CALL,),
        description="Get one call with everything known about it: status, transcript, tool calls, recording URL,"
        " post-call analysis (summary, sentiment, success), latency, cost and disconnection reason.",
    ),
    _op(
        name="list_phone_numbers",
        title="List Phone Numbers",
        kind="read",
        sdk="phone_number.list",
        params=phone_number_list_params.PhoneNumberListParams,
        paginated=True,
        description="List the phone numbers of the account with the agents bound to inbound and outbound calls."
        + _PAGING,
    ),
    _op(
        name="get_phone_number",
        title="Get Phone Number",
        kind="read",
        sdk="phone_number.retrieve",
        path=(_NUMBER,),
        description="Get one phone number: type, nickname, inbound/outbound agents, webhook, SIP trunk settings.",
    ),
    _op(
        name="list_knowledge_bases",
        title="List Knowledge Bases",
        kind="read",
        sdk="knowledge_base.list",
        description="List every knowledge base with its status (in_progress, complete, error) and sources.",
    ),
    _op(
        name="get_knowledge_base",
        title="Get Knowledge Base",
        kind="read",
        sdk="knowledge_base.retrieve",
        path=(_KB,),
        description="Get one knowledge base: status, chunking settings and its sources (documents, texts, URLs)"
        " with their source_id, needed by delete_knowledge_base_source.",
    ),
    _op(
        name="get_concurrency",
        title="Get Concurrency",
        kind="read",
        sdk="concurrency.retrieve",
        description="Get the account's call concurrency: calls running now, the limit, purchased and burst"
        " capacity. Check it before starting a campaign (create_batch_call) or many phone calls.",
    ),
    # ----------------------------------------------------------------- writes
    _op(
        name="create_agent",
        title="Create Agent",
        kind="write",
        sdk="agent.create",
        params=agent_create_params.AgentCreateParams,
        schema_depth=1,
        description="Create a voice agent (version 0, an unpublished draft). Needs voice_id (see list_voices) and"
        ' response_engine, e.g. {"type":"retell-llm","llm_id":"llm_..."} (create_llm first) or'
        ' {"type":"conversation-flow","conversation_flow_id":"..."}. Returns the new agent with its agent_id.',
    ),
    _op(
        name="update_agent",
        title="Update Agent",
        kind="write",
        overwrites=True,
        sdk="agent.update",
        path=(_AGENT,),
        params=agent_update_params.AgentUpdateParams,
        idempotent=True,
        schema_depth=1,
        description="Change some settings of a voice agent's draft; only the fields given change, the rest stay."
        " Published versions are immutable: edit the latest draft (publish_agent leaves one) or pass version.",
    ),
    _op(
        name="publish_agent",
        title="Publish Agent",
        kind="write",
        overwrites=True,
        sdk="agent.publish",
        path=(_AGENT,),
        params=agent_publish_params.AgentPublishParams,
        optional=("version",),
        call=_publish_agent,
        description="Publish the agent's latest draft (or the given version) so phone numbers and calls use it,"
        " then open a new draft with a higher version for further edits. Returns the published version and the"
        " new draft.",
    ),
    _op(
        name="create_llm",
        title="Create Llm",
        kind="write",
        sdk="llm.create",
        params=llm_create_params.LlmCreateParams,
        description="Create a Retell LLM response engine: general_prompt, begin_message, model, tools, states and"
        " knowledge_base_ids (all optional). Use its llm_id as an agent's response_engine.",
    ),
    _op(
        name="update_llm",
        title="Update Llm",
        kind="write",
        overwrites=True,
        sdk="llm.update",
        path=(_LLM,),
        params=llm_update_params.LlmUpdateParams,
        idempotent=True,
        description="Change some fields of a Retell LLM (e.g. general_prompt, begin_message, tools); only the"
        " fields given change.",
    ),
    _op(
        name="create_conversation_flow",
        title="Create Conversation Flow",
        kind="write",
        sdk="conversation_flow.create",
        params=conversation_flow_create_params.ConversationFlowCreateParams,
        schema_depth=1,
        description="Create a conversation-flow response engine from nodes (conversation, function, transfer,"
        " end... each with id, type and edges) and start_speaker ('agent' or 'user').",
    ),
    _op(
        name="update_conversation_flow",
        title="Update Conversation Flow",
        kind="write",
        overwrites=True,
        sdk="conversation_flow.update",
        path=(_FLOW,),
        params=conversation_flow_update_params.ConversationFlowUpdateParams,
        idempotent=True,
        schema_depth=1,
        description="Change some fields of a conversation flow (nodes replace the whole node list); only the"
        " fields given change.",
    ),
    _op(
        name="create_phone_call",
        title="Create Phone Call",
        kind="write",
        sdk="call.create_phone_call",
        params=call_create_phone_call_params.CallCreatePhoneCallParams,
        open_world=True,
        schema_depth=1,
        description="Start an outbound phone call from one of your numbers (from_number) to to_number (E.164)."
        " The agent is the number's outbound agent unless override_agent_id is given; pass per-call"
        " retell_llm_dynamic_variables and metadata. Returns the registered call with its call_id.",
    ),
    _op(
        name="create_batch_call",
        title="Create Batch Call",
        kind="write",
        sdk="batch_call.create_batch_call",
        params=batch_call_create_batch_call_params.BatchCallCreateBatchCallParams,
        open_world=True,
        schema_depth=1,
        description="Schedule a campaign: many outbound calls from from_number, one per task ({to_number,"
        " retell_llm_dynamic_variables?}), now or at trigger_timestamp, optionally inside call_time_window."
        " Check get_concurrency first.",
    ),
    _op(
        name="update_call",
        title="Update Call",
        kind="write",
        overwrites=True,
        sdk="call.update",
        path=(_CALL,),
        params=call_update_params.CallUpdateParams,
        idempotent=True,
        description="Attach or change metadata, custom_attributes or data_storage_setting of a call; only the"
        " fields given change.",
    ),
    _op(
        name="create_phone_number",
        title="Create Phone Number",
        kind="write",
        sdk="phone_number.create",
        params=phone_number_create_params.PhoneNumberCreateParams,
        open_world=True,
        description="Buy a new phone number (optionally by area_code, country_code, toll_free or an exact"
        " phone_number) and bind agents at purchase: inbound_agents / outbound_agents as"
        ' [{"agent_id":"agent_...","weight":1}].',
    ),
    _op(
        name="update_phone_number",
        title="Update Phone Number",
        kind="write",
        overwrites=True,
        sdk="phone_number.update",
        path=(_NUMBER,),
        params=phone_number_update_params.PhoneNumberUpdateParams,
        idempotent=True,
        description="Change a phone number's nickname, inbound/outbound agents, webhook or SIP settings; only the"
        " fields given change.",
    ),
    _op(
        name="create_knowledge_base",
        title="Create Knowledge Base",
        kind="write",
        sdk="knowledge_base.create",
        params=knowledge_base_create_params.KnowledgeBaseCreateParams,
        extra={"knowledge_base_files": _FILES},
        file_fields=("knowledge_base_files",),
        description="Create a knowledge base (name under 40 characters) from texts [{title, text}], URLs and"
        " local files; it indexes in the background (status in_progress, then complete). Attach it to an LLM"
        " with knowledge_base_ids.",
    ),
    _op(
        name="add_knowledge_base_sources",
        title="Add Knowledge Base Sources",
        kind="write",
        sdk="knowledge_base.add_sources",
        path=(_KB,),
        params=knowledge_base_add_sources_params.KnowledgeBaseAddSourcesParams,
        extra={"knowledge_base_files": _FILES},
        file_fields=("knowledge_base_files",),
        description="Add texts, URLs or local files to an existing knowledge base; returns the knowledge base.",
    ),
    _op(
        name="create_web_call",
        title="Create Web Call",
        kind="write",
        sdk="call.create_web_call",
        params=call_create_web_call_params.CallCreateWebCallParams,
        schema_depth=1,
        description="Start a browser (web) call with an agent; returns call_id and the access_token a web client"
        " uses to join. Use it to try an agent without a phone.",
    ),
    _op(
        name="import_phone_number",
        title="Import Phone Number",
        kind="write",
        sdk="phone_number.import_",
        params=phone_number_import_params.PhoneNumberImportParams,
        description="Bring your own number from a SIP trunk (Twilio, Telnyx...): phone_number and"
        " termination_uri are required; agents can be bound at import like create_phone_number.",
    ),
    # ----------------------------------------------------------------- deletes
    _op(
        name="delete_agent",
        title="Delete Agent",
        kind="destructive",
        sdk="agent.delete",
        path=(_AGENT,),
        idempotent=True,
        description="Delete a voice agent and all its versions." + _IMMEDIATE,
    ),
    _op(
        name="delete_llm",
        title="Delete Llm",
        kind="destructive",
        sdk="llm.delete",
        path=(_LLM,),
        params=llm_delete_params.LlmDeleteParams,
        idempotent=True,
        description="Delete a Retell LLM and all its versions. Fails while an agent uses it unless force_delete"
        " is true." + _IMMEDIATE,
    ),
    _op(
        name="delete_conversation_flow",
        title="Delete Conversation Flow",
        kind="destructive",
        sdk="conversation_flow.delete",
        path=(_FLOW,),
        params=conversation_flow_delete_params.ConversationFlowDeleteParams,
        idempotent=True,
        description="Delete a conversation flow and all its versions. Fails while an agent uses it unless"
        " force_delete is true." + _IMMEDIATE,
    ),
    _op(
        name="delete_call",
        title="Delete Call",
        kind="destructive",
        sdk="call.delete",
        path=(_CALL,),
        idempotent=True,
        description="Delete a call and its data (transcript, recording, analysis)." + _IMMEDIATE,
    ),
    _op(
        name="delete_phone_number",
        title="Delete Phone Number",
        kind="destructive",
        sdk="phone_number.delete",
        path=(_NUMBER,),
        idempotent=True,
        description="Release a phone number from the account; it stops receiving and placing calls." + _IMMEDIATE,
    ),
    _op(
        name="delete_knowledge_base_source",
        title="Delete Knowledge Base Source",
        kind="destructive",
        sdk="knowledge_base.delete_source",
        path=(_KB, PathParam("source_id", "Id of the source (see get_knowledge_base).")),
        idempotent=True,
        call=_delete_kb_source,
        description="Remove one source (document, text or URL) from a knowledge base; returns the knowledge base."
        + _IMMEDIATE,
    ),
    _op(
        name="delete_knowledge_base",
        title="Delete Knowledge Base",
        kind="destructive",
        sdk="knowledge_base.delete",
        path=(_KB,),
        idempotent=True,
        description="Delete a knowledge base and all its sources." + _IMMEDIATE,
    ),
)

_BY_NAME = {op.name: op for op in OPERATIONS}


def get_operation(name: str) -> Operation:
    """The operation called ``name`` (snake_case); raises :class:`InvalidArgument` naming the choices."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InvalidArgument(f"unknown operation {name!r}; known: {', '.join(_BY_NAME)}") from None
