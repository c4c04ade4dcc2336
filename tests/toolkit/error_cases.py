"""One failing call per operation: an unknown id where there is one, else an invalid payload; with the
exact exception type ``invoke`` raises and the exact one-line message the CLI and MCP tools show."""

from __future__ import annotations

from typing import Any, NamedTuple

from retell import NotFoundError, UnprocessableEntityError

from retell_dsl.errors import SchemaError

__all__ = ["ERRORS", "ErrorCase"]


class ErrorCase(NamedTuple):
    arguments: dict[str, Any]
    error: type[Exception]
    message: str


def _bad(arguments: dict[str, Any], message: str) -> ErrorCase:
    """Arguments the toolkit rejects before any request (a :class:`SchemaError`)."""
    return ErrorCase(arguments, SchemaError, message)


def _missing(arguments: dict[str, Any], what: str, status: int = 422) -> ErrorCase:
    """An unknown id: the API's answer (Retell says 422 for most kinds, 404 for conversation flows)."""
    error = NotFoundError if status == 404 else UnprocessableEntityError
    asset = f"Retell API error {status}: Cannot find requested asset under given api key. ({what} not found)"
    return ErrorCase(arguments, error, asset)


_NO_FLOW = {"conversation_flow_id": "conversation_flow_missing"}
_NO_KB = {"knowledge_base_id": "knowledge_base_missing"}

ERRORS: dict[str, ErrorCase] = {
    "list_voices": _bad({"limit": 3}, "limit: unknown field (list_voices takes no arguments)"),
    "get_voice": _missing({"voice_id": "no-such-voice"}, "voice no-such-voice"),
    "list_agents": _bad({"limit": "ten"}, "limit: expected an integer, got string 'ten'"),
    "get_agent": _missing({"agent_id": "agent_missing"}, "agent agent_missing"),
    "list_llms": _bad(
        {"sort_order": "sideways"}, "sort_order: expected one of 'ascending', 'descending'; got string 'sideways'"
    ),
    "get_llm": _missing({"llm_id": "llm_missing"}, "llm llm_missing"),
    "list_conversation_flows": _bad({"pagination": "x"}, "pagination: unknown field (did you mean 'pagination_key'?)"),
    "get_conversation_flow": _missing(_NO_FLOW, "conversation flow conversation_flow_missing", 404),
    "list_calls": _bad(
        {"filter_criteria": {"call_status": {"type": "enum", "op": "in", "value": ["finished"]}}},
        "filter_criteria.call_status.value[0]: expected one of 'not_connected', 'ongoing', 'ended', 'error';"
        " got string 'finished'",
    ),
    "get_call": _missing({"call_id": "call_missing"}, "call call_missing"),
    "list_phone_numbers": _bad({"limit": True}, "limit: expected an integer, got boolean true"),
    "get_phone_number": _missing({"phone_number": "+19999999999"}, "phone number +19999999999"),
    "list_knowledge_bases": _bad({"query": "x"}, "query: unknown field (list_knowledge_bases takes no arguments)"),
    "get_knowledge_base": _missing(_NO_KB, "knowledge base knowledge_base_missing"),
    "get_concurrency": _bad({"verbose": True}, "verbose: unknown field (get_concurrency takes no arguments)"),
    "create_agent": _bad({"voice_id": "11labs-Adrian"}, "response_engine: missing required field"),
    "update_agent": _missing({"agent_id": "agent_missing", "agent_name": "x"}, "agent agent_missing"),
    "publish_agent": _missing({"agent_id": "agent_missing"}, "agent agent_missing"),
    "create_llm": _bad({"general_prompt": 42}, "general_prompt: expected a string or null, got number 42"),
    "update_llm": _missing({"llm_id": "llm_missing", "begin_message": "x"}, "llm llm_missing"),
    "create_conversation_flow": _bad({"start_speaker": "agent"}, "nodes: missing required field"),
    "update_conversation_flow": _missing(
        {**_NO_FLOW, "global_prompt": "x"}, "conversation flow conversation_flow_missing", 404
    ),
    "create_phone_call": _bad({"to_number": "+14155550123"}, "from_number: missing required field"),
    "create_batch_call": _bad(
        {"from_number": "+14155550100", "tasks": [{}]}, "tasks[0].to_number: missing required field"
    ),
    "update_call": _missing({"call_id": "call_missing", "metadata": {}}, "call call_missing"),
    "create_phone_number": _bad({"country_code": "FR"}, "country_code: expected one of 'US', 'CA'; got string 'FR'"),
    "update_phone_number": _missing({"phone_number": "+19999999999", "nickname": "x"}, "phone number +19999999999"),
    "create_knowledge_base": _bad(
        {"knowledge_base_name": "kb", "knowledge_base_files": ["/no/such/file.pdf"]},
        "knowledge_base_files: no such file '/no/such/file.pdf'",
    ),
    "add_knowledge_base_sources": _missing(
        {**_NO_KB, "knowledge_base_urls": ["https://a.com"]}, "knowledge base knowledge_base_missing"
    ),
    "create_web_call": _missing({"agent_id": "agent_missing"}, "agent agent_missing"),
    "import_phone_number": _bad({"phone_number": "+14155559999"}, "termination_uri: missing required field"),
    "delete_agent": _missing({"agent_id": "agent_missing"}, "agent agent_missing"),
    "delete_llm": _missing({"llm_id": "llm_missing"}, "llm llm_missing"),
    "delete_conversation_flow": _missing(_NO_FLOW, "conversation flow conversation_flow_missing", 404),
    "delete_call": _missing({"call_id": "call_missing"}, "call call_missing"),
    "delete_phone_number": _missing({"phone_number": "+19999999999"}, "phone number +19999999999"),
    "delete_knowledge_base_source": _missing({**_NO_KB, "source_id": "s"}, "knowledge base knowledge_base_missing"),
    "delete_knowledge_base": _missing(_NO_KB, "knowledge base knowledge_base_missing"),
}
