"""The emulator's one route table: method, path template, named handler, all written out.

Handlers are imported statically, so a broken handler module fails the import of the
emulator itself (loudly), never a route silently answering 501. A path that is not in
the table answers 501 naming the method and path (see ``core.py``).
"""

from __future__ import annotations

from retell_dsl.emulator.handlers import (
    agents,
    calls,
    chats,
    components,
    engines,
    extension,
    knowledge_bases,
    phone_numbers,
    tests_api,
    voices,
)
from retell_dsl.emulator.router import Handler, Router

__all__ = ["ROUTES", "build_router"]

ROUTES: tuple[tuple[str, str, Handler], ...] = (
    # voices, concurrency, identity
    ("GET", "/list-voices", voices.list_voices),
    ("GET", "/get-voice/{voice_id}", voices.get_voice),
    ("POST", "/add-community-voice", voices.add_community_voice),
    ("GET", "/get-concurrency", voices.get_concurrency),
    ("GET", "/get-api-key-info", voices.get_api_key_info),
    # response engines
    ("POST", "/create-retell-llm", engines.create_retell_llm),
    ("GET", "/get-retell-llm/{id}", engines.get_retell_llm),
    ("PATCH", "/update-retell-llm/{id}", engines.update_retell_llm),
    ("GET", "/v2/list-retell-llms", engines.list_retell_llms),
    ("DELETE", "/delete-retell-llm/{id}", engines.delete_retell_llm),
    ("POST", "/create-conversation-flow", engines.create_conversation_flow),
    ("GET", "/get-conversation-flow/{id}", engines.get_conversation_flow),
    ("PATCH", "/update-conversation-flow/{id}", engines.update_conversation_flow),
    ("GET", "/v2/list-conversation-flows", engines.list_conversation_flows),
    ("DELETE", "/delete-conversation-flow/{id}", engines.delete_conversation_flow),
    # agents and their versions
    ("POST", "/create-agent", agents.create_agent),
    ("GET", "/get-agent/{agent_id}", agents.get_agent),
    ("PATCH", "/update-agent/{agent_id}", agents.update_agent),
    ("DELETE", "/delete-agent/{agent_id}", agents.delete_agent),
    ("POST", "/create-chat-agent", agents.create_chat_agent),
    ("GET", "/get-chat-agent/{agent_id}", agents.get_chat_agent),
    ("PATCH", "/update-chat-agent/{agent_id}", agents.update_chat_agent),
    ("DELETE", "/delete-chat-agent/{agent_id}", agents.delete_chat_agent),
    ("POST", "/v2/list-agents", agents.list_agents),
    ("POST", "/publish-agent-version/{agent_id}", agents.publish_agent_version),
    ("POST", "/publish-agent/{agent_id}", agents.legacy_publish_agent),
    ("POST", "/create-agent-version/{agent_id}", agents.create_agent_version),
    ("GET", "/list-agent-versions/{agent_id}", agents.list_agent_versions),
    ("DELETE", "/delete-agent-version/{agent_id}", agents.delete_agent_version),
    # shared flow components
    ("POST", "/create-conversation-flow-component", components.create_conversation_flow_component),
    ("GET", "/get-conversation-flow-component/{id}", components.get_conversation_flow_component),
    ("PATCH", "/update-conversation-flow-component/{id}", components.update_conversation_flow_component),
    ("GET", "/v2/list-conversation-flow-components", components.list_conversation_flow_components),
    ("DELETE", "/delete-conversation-flow-component/{id}", components.delete_conversation_flow_component),
    # knowledge bases
    ("POST", "/create-knowledge-base", knowledge_bases.create_knowledge_base),
    ("GET", "/get-knowledge-base/{kb_id}", knowledge_bases.get_knowledge_base),
    ("GET", "/list-knowledge-bases", knowledge_bases.list_knowledge_bases),
    ("POST", "/add-knowledge-base-sources/{kb_id}", knowledge_bases.add_knowledge_base_sources),
    (
        "DELETE",
        "/delete-knowledge-base-source/{kb_id}/source/{source_id}",
        knowledge_bases.delete_knowledge_base_source,
    ),
    ("DELETE", "/delete-knowledge-base/{kb_id}", knowledge_bases.delete_knowledge_base),
    # phone numbers
    ("POST", "/create-phone-number", phone_numbers.create_phone_number),
    ("POST", "/import-phone-number", phone_numbers.import_phone_number),
    ("GET", "/get-phone-number/{number}", phone_numbers.get_phone_number),
    ("GET", "/v2/list-phone-numbers", phone_numbers.list_phone_numbers),
    ("PATCH", "/update-phone-number/{number}", phone_numbers.update_phone_number),
    ("DELETE", "/delete-phone-number/{number}", phone_numbers.delete_phone_number),
    # calls and batch calls
    ("POST", "/v2/create-phone-call", calls.create_phone_call),
    ("POST", "/v3/create-web-call", calls.create_web_call),
    ("POST", "/v2/register-phone-call", calls.register_phone_call),
    ("GET", "/v2/get-call/{call_id}", calls.get_call),
    ("POST", "/v3/list-calls", calls.list_calls),
    ("PATCH", "/v2/update-call/{call_id}", calls.update_call),
    ("DELETE", "/v2/delete-call/{call_id}", calls.delete_call),
    ("POST", "/v2/stop-call/{call_id}", calls.stop_call),
    ("PATCH", "/v2/update-live-call/{call_id}", calls.update_live_call),
    ("POST", "/v2/listen-live-call/{call_id}", calls.listen_live_call),
    ("POST", "/v2/take-over-live-call/{call_id}", calls.take_over_live_call),
    ("PUT", "/rerun-call-analysis/{call_id}", calls.rerun_call_analysis),
    ("POST", "/create-batch-call", calls.create_batch_call),
    # chats
    ("POST", "/create-chat", chats.create_chat),
    ("GET", "/get-chat/{chat_id}", chats.get_chat),
    ("PATCH", "/update-chat/{chat_id}", chats.update_chat),
    ("POST", "/v3/list-chats", chats.list_chats),
    ("PATCH", "/end-chat/{chat_id}", chats.end_chat),
    ("DELETE", "/delete-chat/{chat_id}", chats.delete_chat),
    ("POST", "/create-chat-completion", chats.create_chat_completion),
    ("PUT", "/rerun-chat-analysis/{chat_id}", chats.rerun_chat_analysis),
    ("POST", "/create-sms-chat", chats.create_sms_chat),
    # testing API and playground
    ("POST", "/create-test-case-definition", tests_api.create_test_case_definition),
    ("GET", "/get-test-case-definition/{ident}", tests_api.get_test_case_definition),
    ("PUT", "/update-test-case-definition/{ident}", tests_api.update_test_case_definition),
    ("DELETE", "/delete-test-case-definition/{ident}", tests_api.delete_test_case_definition),
    ("GET", "/v2/list-test-case-definitions", tests_api.list_test_case_definitions),
    ("POST", "/create-batch-test", tests_api.create_batch_test),
    ("GET", "/get-batch-test/{ident}", tests_api.get_batch_test),
    ("GET", "/v2/list-batch-tests", tests_api.list_batch_tests),
    ("GET", "/get-test-run/{ident}", tests_api.get_test_run),
    ("GET", "/v2/list-test-runs/{ident}", tests_api.list_test_runs),
    ("POST", "/agent-playground-completion/{agent_id}", tests_api.agent_playground_completion),
    # the emulator's own extension routes: NOT part of Retell's API (see handlers/extension.py)
    ("GET", "/_emulator/phone-users", extension.list_phone_users),
    ("PUT", "/_emulator/phone-users/{number}", extension.put_phone_user),
    ("GET", "/_emulator/phone-users/{number}", extension.get_phone_user),
    ("DELETE", "/_emulator/phone-users/{number}", extension.delete_phone_user),
    ("POST", "/_emulator/web-calls/{call_id}/join", extension.join_web_call),
    ("GET", "/_emulator/calls/{call_id}/events", extension.call_events),
    ("POST", "/_emulator/inbound-calls", extension.place_inbound_call),
)


def build_router() -> Router:
    """A router holding every route of :data:`ROUTES`, in order."""
    return Router.from_table(ROUTES)
