# ruff: noqa: E501 -- one row per line keeps the table readable
"""One table of invalid-argument cases: every construction check of every builder, with its error.

Each row builds something invalid and states the error the user gets: its class (whose builtin
base, ``TypeError`` for :class:`InvalidArgument` and ``ValueError`` for :class:`InvalidSpec`, is
checked too) and its exact message. The meta-test finds every construction check in the builders'
source with :mod:`ast` (each ``raise InvalidArgument/InvalidSpec`` and each call of a check helper,
a module-level function that raises them, such as ``require_str`` or ``one_of``) and fails unless
some row's traceback passes through it; a new check without a row fails the suite.
"""

from __future__ import annotations

import ast
import operator
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import retell_dsl
from retell_dsl import (
    Agent,
    AgentBinding,
    AgentSwap,
    AgentSwapNode,
    BatchCall,
    BranchNode,
    BridgeTransferNode,
    CallTask,
    CallWindow,
    ChatAgent,
    CodeNode,
    CodeTool,
    ColdTransfer,
    Comparison,
    Component,
    ComponentNode,
    ConversationFlow,
    ConversationNode,
    CustomLLM,
    CustomTool,
    Edge,
    EndCall,
    EndNode,
    EnumField,
    Equation,
    ExtractNode,
    ExtractVariables,
    FunctionNode,
    GlobalNode,
    Handoff,
    IntegrationAppTool,
    InvalidArgument,
    InvalidSpec,
    KBText,
    KnowledgeBase,
    McpServer,
    McpTool,
    PhoneNumber,
    PressDigitNode,
    Prompt,
    Pronunciation,
    RawNode,
    RetellLLM,
    SendSMS,
    SharedComponent,
    SipTrunk,
    SMSNode,
    Stack,
    State,
    StateEdge,
    StringField,
    SubagentNode,
    SystemPreset,
    TransferCall,
    TransferNode,
    Var,
    Voicemail,
    when,
)
from retell_dsl.builders.engine import ExistingEngine
from retell_dsl.validation import CODES

BUILDERS = Path(retell_dsl.__file__).parent / "builders"
HERE = (
    str(Path(__file__).resolve().relative_to(Path.cwd()))
    if Path(__file__).resolve().is_relative_to(Path.cwd())
    else __file__
)
ERRORS = {"InvalidArgument", "InvalidSpec"}
#: checks that cannot fail once construction succeeded, with the reason
EXEMPT = {
    ("flow/base.py", "Edge.condition"): "re-normalises ``when``, which Edge._check already accepted",
}
LLM = RetellLLM(name="desk")
_TEMPLATES = tempfile.TemporaryDirectory(prefix="retell-dsl-invalid-")


def call(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Callable[[], Any]:
    """A thunk calling ``fn`` (the arguments are deliberately wrong, so they are typed ``Any``)."""
    return lambda: fn(*args, **kwargs)


def template_file(text: str) -> Path:
    path = Path(_TEMPLATES.name) / f"t{abs(hash(text))}" / "t.j2"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def unresolvable(city: Nope) -> None:  # type: ignore[name-defined]  # noqa: F821
    """A function whose annotation cannot be resolved."""


@dataclass(frozen=True)
class Row:
    id: str
    build: Callable[[], Any]
    error: type[retell_dsl.RetellDSLError]
    message: str | re.Pattern[str]
    hint: str = ""


# fmt: off
ROWS = [
    Row("agent name type", call(Agent, name=5, voice="v", engine=LLM), InvalidArgument, "Agent name must be a string, got int 5"),
    Row("agent name empty", call(Agent, name=" ", voice="v", engine=LLM), InvalidSpec, "Agent name must not be empty"),
    Row("agent voice", call(Agent, name="a", voice="", engine=LLM), InvalidSpec, "Agent 'a' voice must not be empty"),
    Row("agent engine", call(Agent, name="a", voice="v", engine="llm_1"), InvalidArgument, "Agent 'a' engine must be a RetellLLM, a ConversationFlow or a CustomLLM, got 'llm_1'"),
    Row("agent language", call(Agent, name="a", voice="v", engine=LLM, language=("en-US", 5)), InvalidArgument, "Agent 'a' language[1] must be str, got int 5"),
    Row("agent pronunciations", call(Agent, name="a", voice="v", engine=LLM, pronunciations=("ri",)), InvalidArgument, "Agent 'a' pronunciations[0] must be Pronunciation, got str 'ri'"),
    Row("agent analysis_fields", call(Agent, name="a", voice="v", engine=LLM, analysis_fields=(Pronunciation(word="a", phoneme="b"),)), InvalidArgument, "Agent 'a' analysis_fields[0] must be StringField or EnumField or BooleanField or NumberField or SystemPreset, got Pronunciation Pronunciation(word='a', phoneme='b')"),
    Row("agent extra", call(Agent, name="a", voice="v", engine=LLM, extra=5), InvalidArgument, "Agent 'a' extra= must be a mapping, got int 5"),
    Row("chat agent name type", call(ChatAgent, name=5, engine=LLM), InvalidArgument, "ChatAgent name must be a string, got int 5"),
    Row("chat agent name empty", call(ChatAgent, name="", engine=LLM), InvalidSpec, "ChatAgent name must not be empty"),
    Row("chat agent engine", call(ChatAgent, name="c", engine="llm_1"), InvalidArgument, "ChatAgent 'c' engine must be a RetellLLM, a ConversationFlow or a CustomLLM, got 'llm_1'"),
    Row("chat agent language", call(ChatAgent, name="c", engine=LLM, language=("en-US", "de-DE")), InvalidArgument, "ChatAgent 'c' language must be a string, got tuple ('en-US', 'de-DE')"),
    Row("chat agent analysis_fields", call(ChatAgent, name="c", engine=LLM, analysis_fields=("summary",)), InvalidArgument, "ChatAgent 'c' analysis_fields[0] must be StringField or EnumField or BooleanField or NumberField or SystemPreset, got str 'summary'"),
    Row("chat agent data_storage", call(ChatAgent, name="c", engine=LLM, data_storage="all"), InvalidSpec, "ChatAgent 'c' data_storage must be one of 'everything', 'everything_except_pii', 'basic_attributes_only'; got 'all'"),
    Row("chat agent extra", call(ChatAgent, name="c", engine=LLM, extra=5), InvalidArgument, "ChatAgent 'c' extra= must be a mapping, got int 5"),
    Row("shared component name", call(SharedComponent, name=""), InvalidSpec, "SharedComponent name must not be empty"),
    Row("shared component nodes", call(SharedComponent, name="s", nodes=("x",)), InvalidArgument, "SharedComponent 's' nodes[0] must be Node, got str 'x'"),
    Row("shared component tools", call(SharedComponent, name="s", tools=(EndCall(name="e"),)), InvalidArgument, "SharedComponent 's' tools[0] must be CustomTool or IntegrationAppTool, got EndCall EndCall(name='e')"),
    Row("shared component mcps", call(SharedComponent, name="s", mcps=("crm",)), InvalidArgument, "SharedComponent 's' mcps[0] must be McpServer, got str 'crm'"),
    Row("shared component extra", call(SharedComponent, name="s", extra=5), InvalidArgument, "SharedComponent 's' extra= must be a mapping, got int 5"),
    Row("voicemail action", call(Voicemail, action="beep"), InvalidSpec, "Voicemail action must be one of 'hangup', 'prompt', 'static_text', 'bridge_transfer'; got 'beep'"),
    Row("voicemail needs text", call(Voicemail, action="prompt"), InvalidSpec, "Voicemail action 'prompt' needs text="),
    Row("voicemail takes no text", call(Voicemail, action="hangup", text="x"), InvalidSpec, "Voicemail action 'hangup' takes no text="),
    Row("pronunciation word", call(Pronunciation, word="", phoneme="x"), InvalidSpec, "Pronunciation word must not be empty"),
    Row("pronunciation phoneme", call(Pronunciation, word="x", phoneme=""), InvalidSpec, "Pronunciation 'x' phoneme must not be empty"),
    Row("pronunciation alphabet", call(Pronunciation, word="x", phoneme="y", alphabet="klingon"), InvalidSpec, "Pronunciation 'x' alphabet must be one of 'ipa', 'cmu', 'pinyin', 'jyutping'; got 'klingon'"),
    Row("call task number", call(CallTask, to_number=""), InvalidSpec, "CallTask to_number must not be empty"),
    Row("call task extra", call(CallTask, to_number="+14155550111", extra=5), InvalidArgument, "CallTask '+14155550111' extra= must be a mapping, got int 5"),
    Row("call window pairs", call(CallWindow, windows=((1, 2, 3),)), InvalidArgument, "CallWindow windows must be (start_minute, end_minute) pairs, got (1, 2, 3)"),
    Row("batch name", call(BatchCall, name="", from_number="+14155550100"), InvalidSpec, "BatchCall name must not be empty"),
    Row("batch from_number", call(BatchCall, name="b", from_number=5), InvalidArgument, "BatchCall from_number must be a PhoneNumber or a string, got 5"),
    Row("batch tasks", call(BatchCall, name="b", from_number="+14155550100", tasks=("+1",)), InvalidArgument, "BatchCall 'b' tasks[0] must be CallTask, got str '+1'"),
    Row("batch extra", call(BatchCall, name="b", from_number="+14155550100", extra=5), InvalidArgument, "BatchCall 'b' extra= must be a mapping, got int 5"),
    Row("comparison left", call(Comparison, left=5, operator="=="), InvalidArgument, "comparison left side must be a string, got 5"),
    Row("comparison operator", call(Comparison, left="{{a}}", operator="=~"), InvalidSpec, "unknown comparison operator '=~'; use one of ==, !=, >, >=, <, <=, contains, not_contains, exists, not_exist"),
    Row("equation operator", call(Equation, operator="^^"), InvalidSpec, "equation operator must be '&&' or '||', got '^^'"),
    Row("equation comparisons", call(Equation, comparisons=("x",)), InvalidArgument, "Equation comparisons[0] must be Comparison, got str 'x'"),
    Row("combine mixed other", call(operator.and_, when("a").eq(1), when("b").eq(1) | when("c").eq(1)), InvalidSpec, "Retell conditions use one operator: cannot mix '&' (&&) and '|' (||) in one condition; split it into two edges instead"),
    Row("combine wrong type", call(operator.and_, when("a").eq(1), "x"), InvalidArgument, "cannot combine a condition with str"),
    Row("combine mixed self", call(operator.and_, when("a").eq(1) | when("b").eq(1), when("c").eq(1)), InvalidSpec, "Retell conditions use one operator: cannot mix '&' (&&) and '|' (||) in one condition; split it into two edges instead"),
    Row("when left", call(when, 5), InvalidArgument, "when() takes a Var or a variable name, got 5"),
    Row("edge condition", call(Edge, to="b", when=5), InvalidArgument, "a condition must be a prompt string, a Prompt or an equation (when(...).eq(...)), got 5"),
    Row("mcp server name", call(McpServer, name="", url="https://mcp.example.com"), InvalidSpec, "McpServer name must not be empty"),
    Row("mcp server url", call(McpServer, name="m", url=""), InvalidSpec, "McpServer 'm' url must not be empty"),
    Row("custom llm url empty", call(CustomLLM, url=""), InvalidSpec, "CustomLLM url must not be empty"),
    Row("custom llm url scheme", call(CustomLLM, url="https://llm.example.com"), InvalidArgument, "CustomLLM url must be a ws:// or wss:// URL, got 'https://llm.example.com'"),
    Row("llm knowledge_bases", call(RetellLLM, name="l", knowledge_bases=(5,)), InvalidArgument, "RetellLLM 'l' knowledge_bases[0] must be KnowledgeBase or str, got int 5"),
    Row("misspelt keyword", call(ConversationNode, name="n", promt="p"), InvalidArgument, "ConversationNode 'n' got an unexpected keyword argument 'promt'", "did you mean 'prompt'?"),
    Row("unknown keyword", call(EndCall, name="e", zzzzzz=1), InvalidArgument, "EndCall 'e' got an unexpected keyword argument 'zzzzzz'", "EndCall takes name, description, extra, speak_during_execution, execution_message, execution_message_type, custom_sip_headers"),
    Row("missing keyword", call(EndNode), InvalidArgument, "EndNode() needs 'name'"),
    Row("positional argument", call(EndNode, "e"), InvalidArgument, "EndNode() takes keyword arguments only", "write EndNode(name=...)"),
    Row("llm model_tier", call(RetellLLM, name="l", model_tier="turbo"), InvalidSpec, "RetellLLM 'l' model_tier must be one of 'standard', 'fast', 'ultrafast'; got 'turbo'"),
    Row("llm mcps", call(RetellLLM, name="l", mcps=("x",)), InvalidArgument, "RetellLLM 'l' mcps[0] must be McpServer, got str 'x'"),
    Row("llm model and s2s", call(RetellLLM, name="l", model="gpt-4.1", s2s_model="gpt-realtime"), InvalidArgument, "RetellLLM 'l': set model= or s2s_model=, not both"),
    Row("llm extra", call(RetellLLM, name="l", extra=5), InvalidArgument, "RetellLLM 'l' extra= must be a mapping, got int 5"),
    Row("field name", call(StringField, name="", description="d"), InvalidSpec, "StringField name must not be empty"),
    Row("field description", call(StringField, name="n", description=5), InvalidArgument, "StringField 'n' description must be a string, got int 5"),
    Row("enum choices", call(EnumField, name="e", description="d"), InvalidSpec, "EnumField 'e' needs at least one choice"),
    Row("system preset", call(SystemPreset, name="summary"), InvalidSpec, "SystemPreset name must be one of 'call_summary', 'call_successful', 'user_sentiment'; got 'summary'", "did you mean 'call_summary'?"),
    Row("function node instruction", call(FunctionNode, name="f", tool="t", prompt="a", static_text="b"), InvalidSpec, "FunctionNode 'f': give prompt= or static_text=, not both"),
    # tool="" / code="" are drafts Retell stores (lint RD111 warns); only a non-string is refused
    Row("function node tool", call(FunctionNode, name="f", tool=3), InvalidArgument, "FunctionNode 'f' tool must be a string, got int 3"),
    Row("code node code", call(CodeNode, name="c", code=None), InvalidArgument, "CodeNode 'c' code must be a string, got NoneType None"),
    Row("edge extra", call(Edge, to="x", when="y", extra=[1]), InvalidArgument, "Edge to 'x' extra= must be a mapping, got tuple (1,)"),
    Row("state extra", call(State, name="s", extra=[1]), InvalidArgument, "State 's' extra= must be a mapping, got tuple (1,)"),
    Row("existing engine kind", call(ExistingEngine, kind="x", id="a"), InvalidSpec, "ExistingEngine kind must be one of 'retell-llm', 'conversation-flow'; got 'x'"),
    Row("existing engine id", call(ExistingEngine, kind="retell-llm", id=""), InvalidSpec, "ExistingEngine id must not be empty"),
    Row("transfer node destination", call(TransferNode, name="t", destination=5), InvalidArgument, "TransferNode 't' destination must be an E.164 number string, a Var or Inferred(prompt=...), got 5"),
    Row("transfer node instruction", call(TransferNode, name="t", destination="+14155550100", prompt="a", static_text="b"), InvalidSpec, "TransferNode 't': give prompt= or static_text=, not both"),
    Row("agent swap node agent", call(AgentSwapNode, name="s", agent=5), InvalidArgument, "AgentSwapNode 's': agent must be an Agent or an agent id string, got 5"),
    Row("agent swap node instruction", call(AgentSwapNode, name="s", agent="agent_1", prompt="a", static_text="b"), InvalidSpec, "AgentSwapNode 's': give prompt= or static_text=, not both"),
    Row("component node component", call(ComponentNode, name="c", component=""), InvalidSpec, "ComponentNode 'c' component must not be empty"),
    Row("bridge node instruction", call(BridgeTransferNode, name="b", prompt="a", static_text="b"), InvalidSpec, "BridgeTransferNode 'b': give prompt= or static_text=, not both"),
    Row("edge to", call(Edge, to="", when="x"), InvalidSpec, "Edge to must not be empty"),
    Row("global condition", call(GlobalNode, condition=5), InvalidArgument, "a condition must be a prompt string, a Prompt or an equation (when(...).eq(...)), got 5"),
    Row("global go_back", call(GlobalNode, condition="x", go_back=(5,)), InvalidArgument, "a condition must be a prompt string, a Prompt or an equation (when(...).eq(...)), got 5"),
    Row("node name", call(EndNode, name=""), InvalidSpec, "EndNode name must not be empty"),
    Row("node extra", call(EndNode, name="e", extra=5), InvalidArgument, "EndNode 'e' extra= must be a mapping, got int 5"),
    Row("node global_node", call(EndNode, name="e", global_node="x"), InvalidArgument, "global_node= must be a GlobalNode, got 'x'"),
    Row("routed edges", call(BranchNode, name="b", edges=("x",)), InvalidArgument, "BranchNode 'b' edges[0] must be Edge, got str 'x'"),
    Row("component name", call(Component, name=""), InvalidSpec, "Component name must not be empty"),
    Row("component nodes", call(Component, name="c", nodes=("x",)), InvalidArgument, "Component 'c' nodes[0] must be Node, got str 'x'"),
    Row("component tools", call(Component, name="c", tools=(EndCall(name="e"),)), InvalidArgument, "Component 'c' tools[0] must be CustomTool or IntegrationAppTool, got EndCall EndCall(name='e')"),
    Row("component extra", call(Component, name="c", extra=5), InvalidArgument, "Component 'c' extra= must be a mapping, got int 5"),
    Row("flow name", call(ConversationFlow, name=""), InvalidSpec, "ConversationFlow name must not be empty"),
    Row("flow model_tier", call(ConversationFlow, name="f", model_tier="turbo"), InvalidSpec, "ConversationFlow 'f' model_tier must be one of 'standard', 'fast', 'ultrafast'; got 'turbo'"),
    Row("flow nodes", call(ConversationFlow, name="f", nodes=("x",)), InvalidArgument, "ConversationFlow 'f' nodes[0] must be Node, got str 'x'"),
    Row("flow tools", call(ConversationFlow, name="f", tools=(EndCall(name="e"),)), InvalidArgument, "ConversationFlow 'f' tools[0] must be CustomTool or IntegrationAppTool, got EndCall EndCall(name='e')"),
    Row("flow components", call(ConversationFlow, name="f", components=("x",)), InvalidArgument, "ConversationFlow 'f' components[0] must be Component, got str 'x'"),
    Row("conversation node instruction", call(ConversationNode, name="n"), InvalidSpec, "ConversationNode 'n' needs prompt= (what to do) or static_text= (what to say)"),
    Row("conversation node stt_mode", call(ConversationNode, name="n", prompt="p", stt_mode="slow"), InvalidSpec, "ConversationNode 'n' stt_mode must be one of 'fast', 'accurate', 'custom'; got 'slow'"),
    Row("conversation node knowledge_bases", call(ConversationNode, name="n", prompt="p", knowledge_bases=(5,)), InvalidArgument, "ConversationNode 'n' knowledge_bases[0] must be KnowledgeBase or str, got int 5"),
    Row("subagent static_text", call(SubagentNode, name="s", static_text="hi"), InvalidSpec, "SubagentNode 's' takes prompt=, not static_text="),
    Row("subagent tools", call(SubagentNode, name="s", prompt="p", tools=("x",)), InvalidArgument, "SubagentNode 's' tools[0] must be Tool, got str 'x'"),
    Row("end node instruction", call(EndNode, name="e", prompt="a", static_text="b"), InvalidSpec, "EndNode 'e': give prompt= or static_text=, not both"),
    Row("press digit prompt", call(PressDigitNode, name="p", prompt=5), InvalidArgument, "PressDigitNode 'p' prompt must be a string or Prompt"),
    Row("extract variables", call(ExtractNode, name="x", variables=("v",)), InvalidArgument, "ExtractNode 'x' variables[0] must be StringField or EnumField or BooleanField or NumberField, got str 'v'"),
    Row("sms node content", call(SMSNode, name="s"), InvalidSpec, "SMSNode 's' needs exactly one of static_text=, prompt=, template=; got none"),
    Row("sms node sender", call(SMSNode, name="s", static_text="x", sender="pigeon"), InvalidSpec, "SMSNode 's' sender must be one of 'current_number', 'retell_long_code'; got 'pigeon'"),
    Row("kb text title", call(KBText, title="", text="t"), InvalidSpec, "KBText title must not be empty"),
    Row("kb text text", call(KBText, title="t", text=5), InvalidArgument, "KBText 't' text must be a string, got int 5"),
    Row("kb name", call(KnowledgeBase, name=""), InvalidSpec, "KnowledgeBase name must not be empty"),
    Row("kb texts", call(KnowledgeBase, name="k", texts=("x",)), InvalidArgument, "KnowledgeBase 'k' texts[0] must be KBText, got str 'x'"),
    Row("kb urls", call(KnowledgeBase, name="k", urls=(5,)), InvalidArgument, "KnowledgeBase 'k' urls[0] must be str, got int 5"),
    Row("kb urls not a tuple", call(KnowledgeBase, name="k", urls="https://x.example"), InvalidArgument, "KnowledgeBase 'k' urls must be a tuple or list, got str"),
    Row("kb files", call(KnowledgeBase, name="k", files=(5,)), InvalidArgument, "KnowledgeBase 'k' files[0] must be str, got int 5"),
    Row("kb extra", call(KnowledgeBase, name="k", extra=5), InvalidArgument, "KnowledgeBase 'k' extra= must be a mapping, got int 5"),
    Row("state edge to", call(StateEdge, to="", description="d"), InvalidSpec, "StateEdge to must not be empty"),
    Row("state edge extra", call(StateEdge, to="b", description="d", extra=[1]), InvalidArgument, "StateEdge to 'b' extra= must be a mapping, got tuple (1,)"),
    Row("raw node type", call(RawNode, name="r", node_type=""), InvalidSpec, "RawNode 'r' node_type must not be empty"),
    Row("state name", call(State, name=""), InvalidSpec, "State name must not be empty"),
    Row("state tools", call(State, name="s", tools=("x",)), InvalidArgument, "State 's' tools[0] must be Tool, got str 'x'"),
    Row("state edges", call(State, name="s", edges=("x",)), InvalidArgument, "State 's' edges[0] must be StateEdge, got str 'x'"),
    Row("llm name", call(RetellLLM, name=""), InvalidSpec, "RetellLLM name must not be empty"),
    Row("llm tools", call(RetellLLM, name="l", tools=("x",)), InvalidArgument, "RetellLLM 'l' tools[0] must be Tool, got str 'x'"),
    Row("llm states", call(RetellLLM, name="l", states=("x",)), InvalidArgument, "RetellLLM 'l' states[0] must be State, got str 'x'"),
    Row("binding agent", call(AgentBinding, agent=5), InvalidArgument, "AgentBinding: agent must be an Agent or an agent id string, got 5"),
    Row("binding weight", call(AgentBinding, agent="agent_1", weight="1"), InvalidArgument, "AgentBinding weight must be a number, got '1'"),
    Row("sip termination_uri", call(SipTrunk, termination_uri=""), InvalidSpec, "SipTrunk termination_uri must not be empty"),
    Row("sip transport", call(SipTrunk, termination_uri="sip.example.com", transport="QUIC"), InvalidSpec, "SipTrunk transport must be one of 'TLS', 'TCP', 'UDP'; got 'QUIC'"),
    Row("number name", call(PhoneNumber, name=""), InvalidSpec, "PhoneNumber name must not be empty"),
    Row("number inbound", call(PhoneNumber, name="p", inbound=("x",)), InvalidArgument, "PhoneNumber 'p' inbound[0] must be AgentBinding, got str 'x'"),
    Row("number outbound", call(PhoneNumber, name="p", outbound=("x",)), InvalidArgument, "PhoneNumber 'p' outbound[0] must be AgentBinding, got str 'x'"),
    Row("number country_code", call(PhoneNumber, name="p", country_code="UK"), InvalidSpec, "PhoneNumber 'p' country_code must be one of 'US', 'CA'; got 'UK'"),
    Row("number provider", call(PhoneNumber, name="p", provider="vonage"), InvalidSpec, "PhoneNumber 'p' provider must be one of 'twilio', 'telnyx'; got 'vonage'"),
    Row("number import needs number", call(PhoneNumber, name="p", sip_trunk=SipTrunk(termination_uri="sip.example.com")), InvalidArgument, "PhoneNumber 'p': importing a number needs number='+1…'"),
    Row("number extra", call(PhoneNumber, name="p", extra=5), InvalidArgument, "PhoneNumber 'p' extra= must be a mapping, got int 5"),
    Row("var name type", call(Var, 5), InvalidArgument, "Var name must be a string, got int 5"),
    Row("var name invalid", call(Var, "bad name!"), InvalidSpec, "Var name 'bad name!' is not a valid dynamic variable name: use letters, digits and _"),
    Row("prompt text", call(Prompt, text=5), InvalidArgument, "Prompt text must be a string, got int 5"),
    Row("prompt inline template", call(Prompt.inline, 5), InvalidArgument, "template must be a string, got int 5"),
    Row("prompt inline undefined", call(Prompt.inline, "Hi << caller >>"), InvalidSpec, "prompt template uses an undefined value: 'caller' is undefined"),
    Row("prompt inline invalid", call(Prompt.inline, "<% if %>"), InvalidSpec, "prompt template is invalid: Expected an expression, got 'end of statement block'"),
    Row("prompt file missing", call(Prompt.file, "/nonexistent/prompt.j2"), InvalidArgument, "prompt template file '/nonexistent/prompt.j2' does not exist"),
    Row("prompt file undefined", lambda: Prompt.file(template_file("Hi << caller >>")), InvalidSpec, re.compile(r"prompt template '/.+/t\.j2' uses an undefined value: 'caller' is undefined")),
    Row("prompt file invalid", lambda: Prompt.file(template_file("<% if %>")), InvalidSpec, re.compile(r"prompt template '/.+/t\.j2' is invalid: Expected an expression, got 'end of statement block'")),
    Row("stack name", call(Stack, name=""), InvalidSpec, "Stack name must not be empty"),
    Row("stack resources", call(Stack, name="s", resources=("x",)), InvalidArgument, "Stack 's' resources[0] must be KnowledgeBase or RetellLLM or SharedComponent or ConversationFlow or Agent or ChatAgent or PhoneNumber or BatchCall, got str 'x'"),
    Row("stack call_variables", call(Stack, name="s", call_variables=(5,)), InvalidArgument, "Stack 's' call_variables[0] must be str, got int 5"),
    Row("stack add", call(Stack(name="s").add, "x"), InvalidArgument, "Stack.add() takes resource specs, got 'x'"),
    Row("tool name", call(EndCall, name=""), InvalidSpec, "EndCall name must not be empty"),
    Row("tool extra", call(EndCall, name="e", extra=5), InvalidArgument, "EndCall 'e' extra= must be a mapping, got int 5"),
    Row("tool execution_message_type", call(EndCall, name="e", execution_message_type="shout"), InvalidSpec, "EndCall 'e' execution_message_type must be one of 'prompt', 'static_text'; got 'shout'"),
    Row("transfer destination", call(TransferCall, name="t", destination=5), InvalidArgument, "TransferCall 't' destination must be an E.164 number string, a Var or Inferred(prompt=...), got 5"),
    Row("transfer option", call(TransferCall, name="t", destination="+14155550100", option="warm"), InvalidArgument, "TransferCall 't' option must be ColdTransfer(), WarmTransfer() or AgenticWarmTransfer(), got 'warm'"),
    Row("agent swap agent", call(AgentSwap, name="a", agent=5), InvalidArgument, "AgentSwap 'a': agent must be an Agent or an agent id string, got 5"),
    Row("send sms content", call(SendSMS, name="s"), InvalidSpec, "SendSMS 's' needs exactly one of text=, prompt=, template=; got none"),
    Row("send sms sender", call(SendSMS, name="s", text="x", sender="pigeon"), InvalidSpec, "SendSMS 's' sender must be one of 'current_number', 'retell_long_code'; got 'pigeon'"),
    Row("send sms template", call(SendSMS, name="s", template="other"), InvalidSpec, "SendSMS 's' template must be one of 'info_collection'; got 'other'"),
    Row("custom tool url", call(CustomTool, name="c", url=""), InvalidSpec, "CustomTool 'c' url must not be empty"),
    Row("custom tool parameters", call(CustomTool, name="c", url="https://x.example", parameters=5), InvalidArgument, "CustomTool 'c' parameters must be a JSON-schema mapping"),
    Row("from_function annotations", call(CustomTool.from_function, unresolvable, url="https://x.example"), InvalidArgument, re.compile(r"cannot read the annotations of <function unresolvable at 0x[0-9a-f]+>: name 'Nope' is not defined")),
    Row("from_model", call(CustomTool.from_model, int, name="x", url="https://x.example"), InvalidArgument, "from_model() needs a pydantic model class, got <class 'int'>"),
    Row("code tool code", call(CodeTool, name="c", code=""), InvalidSpec, "CodeTool 'c' code must not be empty"),
    Row("extract tool description", call(ExtractVariables, name="x"), InvalidSpec, "ExtractVariables 'x' needs a description="),
    Row("extract tool variables", call(ExtractVariables, name="x", description="d", variables=("v",)), InvalidArgument, "ExtractVariables 'x' variables[0] must be a *Field, got 'v'"),
    Row("mcp tool description", call(McpTool, name="m"), InvalidSpec, "McpTool 'm' needs a description="),
    Row("app tool fields", call(IntegrationAppTool, name="i", app_id="", template="t", provider="p"), InvalidSpec, "IntegrationAppTool 'i' app_id must not be empty"),
    Row("handoff kind", call(Handoff, kind="shout", text="x"), InvalidSpec, "Handoff kind must be one of 'prompt', 'static_message'; got 'shout'"),
    Row("cold transfer mode", call(ColdTransfer, mode="pigeon"), InvalidSpec, "ColdTransfer mode must be one of 'sip_refer', 'sip_invite'; got 'pigeon'"),
]
# fmt: on
BUILTIN: dict[type[retell_dsl.RetellDSLError], type[Exception]] = {InvalidArgument: TypeError, InvalidSpec: ValueError}


def _raise(row: Row) -> Exception:
    with pytest.raises(row.error) as info:
        row.build()
    return info.value


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_invalid_arguments_raise_clear_errors(row: Row) -> None:
    exc = _raise(row)
    assert type(exc) is row.error
    assert isinstance(exc, BUILTIN[row.error]) and isinstance(exc, retell_dsl.RetellDSLError)
    assert isinstance(exc, retell_dsl.InvalidArgument | retell_dsl.InvalidSpec)
    if isinstance(row.message, str):
        assert exc.message == row.message
    else:
        assert row.message.fullmatch(exc.message), exc.message
    assert exc.hint == row.hint
    # one line: the user's file:line (this file: the row's thunk), a stable code, the message, the hint
    assert exc.source is not None and exc.source.startswith(f"{HERE}:"), exc.source
    assert exc.code in CODES and CODES[exc.code][0] == "error"
    hint = f" ({row.hint})" if row.hint else ""
    assert str(exc) == f"{exc.source}: {exc.code} {exc.message}{hint}"
    assert "\n" not in str(exc)


def test_the_error_names_the_line_that_built_the_value() -> None:
    with pytest.raises(InvalidSpec) as info:
        RetellLLM(name="x", model_tier="fsat")  # type: ignore[arg-type]
    line = info.tb.tb_lineno
    assert str(info.value) == (
        f"{HERE}:{line}: RD703 RetellLLM 'x' model_tier must be one of 'standard', 'fast', 'ultrafast'; got 'fsat'"
        " (did you mean 'fast'?)"
    )
    with pytest.raises(InvalidArgument) as info2:
        ConversationNode(name="n", promt="Say hi")  # type: ignore[call-arg]
    line = info2.tb.tb_lineno
    assert str(info2.value) == (
        f"{HERE}:{line}: RD705 ConversationNode 'n' got an unexpected keyword argument 'promt' (did you mean 'prompt'?)"
    )
    with pytest.raises(InvalidArgument) as info3:
        Stack(name="s").add("llm")  # type: ignore[arg-type]
    assert info3.value.source == f"{HERE}:{info3.tb.tb_lineno}"
    assert info3.value.code == "RD701"


def test_errors_from_builders_pickle_with_their_location() -> None:
    import pickle

    exc = _raise(ROWS[0])
    back = pickle.loads(pickle.dumps(exc))
    assert (type(back), str(back)) == (type(exc), str(exc))


def test_row_ids_are_unique() -> None:
    assert len({r.id for r in ROWS}) == len(ROWS)


# ---------------------------------------------------------------------------------------- meta-test


def _raises_error(node: ast.AST) -> bool:
    exc = node.exc if isinstance(node, ast.Raise) else None
    return isinstance(exc, ast.Call) and isinstance(exc.func, ast.Name) and exc.func.id in ERRORS


def _helpers(trees: dict[str, ast.Module]) -> set[str]:
    """Module-level functions that raise the errors, directly or through another helper."""
    helpers: set[str] = set()
    changed = True
    while changed:
        changed = False
        for tree in trees.values():
            for fn in tree.body:
                if not isinstance(fn, ast.FunctionDef) or fn.name in helpers:
                    continue
                for node in ast.walk(fn):
                    called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers
                    if _raises_error(node) or called:
                        helpers.add(fn.name)
                        changed = True
                        break
    return helpers


def construction_checks() -> dict[tuple[str, int], str]:
    """``(file relative to builders/, line) → description`` of every construction check."""
    trees = {str(p.relative_to(BUILDERS)): ast.parse(p.read_text(encoding="utf-8")) for p in BUILDERS.rglob("*.py")}
    helpers = _helpers(trees)
    sites: dict[tuple[str, int], str] = {}

    def visit(node: ast.AST, file: str, scope: list[str]) -> None:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            scope = [*scope, node.name]
        where = ".".join(scope)
        helper_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers
        if (
            (file, where) not in EXEMPT
            and (_raises_error(node) or helper_call)
            and isinstance(node, ast.stmt | ast.expr)
        ):
            sites[(file, node.lineno)] = f"{where}: {ast.unparse(node)[:60]}"
        for child in ast.iter_child_nodes(node):
            visit(child, file, scope)

    for file, tree in trees.items():
        visit(tree, file, [])
    return sites


def _frames(exc: BaseException) -> set[tuple[str, int]]:
    out = set()
    tb = exc.__traceback__
    while tb is not None:
        path = Path(tb.tb_frame.f_code.co_filename)
        if path.is_relative_to(BUILDERS):
            out.add((str(path.relative_to(BUILDERS)), tb.tb_lineno))
        tb = tb.tb_next
    return out


def test_every_construction_check_has_a_row() -> None:
    checks = construction_checks()
    assert len(checks) > 140  # the scan itself works
    covered: set[tuple[str, int]] = set()
    for row in ROWS:
        reached = _frames(_raise(row)) & set(checks)
        assert reached, f"row {row.id!r} reaches no construction check"
        covered |= reached
    missing = sorted(f"builders/{f}:{line} {checks[(f, line)]}" for f, line in set(checks) - covered)
    assert missing == [], "construction checks without a row in ROWS:\n" + "\n".join(missing)


def test_the_meta_test_notices_a_check_without_a_row() -> None:
    """Dropping the only row of a check leaves that check uncovered."""
    checks = construction_checks()
    only = [r for r in ROWS if r.id != "cold transfer mode"]
    covered = set().union(*(_frames(_raise(r)) for r in only)) & set(checks)
    assert [checks[k].split(":")[0] for k in set(checks) - covered] == ["ColdTransfer._check"]
