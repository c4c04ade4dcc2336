"""One failing call per operation: an unknown id where there is one, else an invalid payload."""

from __future__ import annotations

from typing import Any

__all__ = ["ERRORS"]

#: operation -> (arguments, a fragment of the one-line error message)
ERRORS: dict[str, tuple[dict[str, Any], str]] = {
    "list_voices": ({"limit": 3}, "limit: unknown field"),
    "get_voice": ({"voice_id": "no-such-voice"}, "Retell API error 4"),
    "list_agents": ({"limit": "ten"}, "limit: expected an integer"),
    "get_agent": ({"agent_id": "agent_missing"}, "Retell API error 4"),
    "list_llms": ({"sort_order": "sideways"}, "sort_order: expected one of 'ascending', 'descending'"),
    "get_llm": ({"llm_id": "llm_missing"}, "Retell API error 4"),
    "list_conversation_flows": ({"pagination": "x"}, "did you mean 'pagination_key'"),
    "get_conversation_flow": ({"conversation_flow_id": "conversation_flow_missing"}, "Retell API error 4"),
    "list_calls": (
        {"filter_criteria": {"call_status": {"type": "enum", "op": "in", "value": ["finished"]}}},
        "filter_criteria.call_status.value[0]",
    ),
    "get_call": ({"call_id": "call_missing"}, "Retell API error 4"),
    "list_phone_numbers": ({"limit": True}, "limit: expected an integer"),
    "get_phone_number": ({"phone_number": "+19999999999"}, "Retell API error 4"),
    "list_knowledge_bases": ({"query": "x"}, "query: unknown field"),
    "get_knowledge_base": ({"knowledge_base_id": "knowledge_base_missing"}, "Retell API error 4"),
    "get_concurrency": ({"verbose": True}, "verbose: unknown field"),
    "create_agent": ({"voice_id": "11labs-Adrian"}, "response_engine: missing required field"),
    "update_agent": ({"agent_id": "agent_missing", "agent_name": "x"}, "Retell API error 4"),
    "publish_agent": ({"agent_id": "agent_missing"}, "Retell API error 4"),
    "create_llm": ({"general_prompt": 42}, "general_prompt: expected a string"),
    "update_llm": ({"llm_id": "llm_missing", "begin_message": "x"}, "Retell API error 4"),
    "create_conversation_flow": ({"start_speaker": "agent"}, "nodes: missing required field"),
    "update_conversation_flow": (
        {"conversation_flow_id": "conversation_flow_missing", "global_prompt": "x"},
        "Retell API error 4",
    ),
    "create_phone_call": ({"to_number": "+14155550123"}, "from_number: missing required field"),
    "create_batch_call": ({"from_number": "+14155550100", "tasks": [{}]}, "tasks[0].to_number: missing required"),
    "update_call": ({"call_id": "call_missing", "metadata": {}}, "Retell API error 4"),
    "create_phone_number": ({"country_code": "FR"}, "country_code: expected one of 'US', 'CA'"),
    "update_phone_number": ({"phone_number": "+19999999999", "nickname": "x"}, "Retell API error 4"),
    "create_knowledge_base": (
        {"knowledge_base_name": "kb", "knowledge_base_files": ["/no/such/file.pdf"]},
        "no such file",
    ),
    "add_knowledge_base_sources": (
        {"knowledge_base_id": "knowledge_base_missing", "knowledge_base_urls": ["https://a.com"]},
        "Retell API error 4",
    ),
    "create_web_call": ({"agent_id": "agent_missing"}, "Retell API error 4"),
    "import_phone_number": ({"phone_number": "+14155559999"}, "termination_uri: missing required field"),
    "delete_agent": ({"agent_id": "agent_missing"}, "Retell API error 4"),
    "delete_llm": ({"llm_id": "llm_missing"}, "Retell API error 4"),
    "delete_conversation_flow": ({"conversation_flow_id": "conversation_flow_missing"}, "Retell API error 4"),
    "delete_call": ({"call_id": "call_missing"}, "Retell API error 4"),
    "delete_phone_number": ({"phone_number": "+19999999999"}, "Retell API error 4"),
    "delete_knowledge_base_source": (
        {"knowledge_base_id": "knowledge_base_missing", "source_id": "s"},
        "Retell API error 4",
    ),
    "delete_knowledge_base": ({"knowledge_base_id": "knowledge_base_missing"}, "Retell API error 4"),
}
