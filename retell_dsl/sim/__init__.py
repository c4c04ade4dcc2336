"""The conversation engine: runs a Retell agent's response engine turn by turn, offline.

It interprets the wire form Retell stores (Retell LLM, conversation flow and agent JSON), never
builder objects, and depends only on :mod:`retell_dsl.wire`, :mod:`retell_dsl.errors` and httpx
(for model providers and tool calls). The emulator reaches it through the engine Protocol the
emulator declares; nothing here imports the emulator, deploy or the CLI.

Sub-packages: ``models`` (the :class:`Model` interface, an OpenAI-compatible provider and a
scripted model), ``tools`` (custom-function HTTP calls signed like Retell, tool mocks, in-process
and ASGI handlers, JavaScript code tools) and ``kb`` (knowledge-base chunking and retrieval).
"""
