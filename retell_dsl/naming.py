"""Where each public name of ``retell_dsl`` lives, and how public classes come to report ``retell_dsl``.

This is the facade's one list of names (:data:`PUBLIC`). It sits below every other part of the
package and imports nothing of it, so the packages that define public classes (the builders, the
error tree) can call :func:`publish` without importing the facade, which imports them lazily.

>>> PUBLIC["Agent"], PUBLIC["compile"]
('retell_dsl.builders.agent', 'retell_dsl.checked')
"""

from __future__ import annotations

import sys as _sys

__all__ = ["FACADE", "PUBLIC", "publish"]

FACADE = "retell_dsl"

#: The facade: public name → the module it is imported from (sorted like ``__all__``).
PUBLIC: dict[str, str] = {
    "UNSET": "retell_dsl.builders.base",
    "Agent": "retell_dsl.builders.agent",
    "AgentBinding": "retell_dsl.builders.phone",
    "AgentSwap": "retell_dsl.builders.tools.calls",
    "AgentSwapNode": "retell_dsl.builders.flow.actions",
    "AgenticWarmTransfer": "retell_dsl.builders.tools.transfer",
    "AnalysisField": "retell_dsl.builders.fields",
    "BatchCall": "retell_dsl.builders.batch",
    "BooleanField": "retell_dsl.builders.fields",
    "BranchNode": "retell_dsl.builders.flow.actions",
    "BridgeTransfer": "retell_dsl.builders.tools.calls",
    "BridgeTransferNode": "retell_dsl.builders.flow.actions",
    "CallTask": "retell_dsl.builders.batch",
    "CallWindow": "retell_dsl.builders.batch",
    "CancelTransfer": "retell_dsl.builders.tools.calls",
    "CancelTransferNode": "retell_dsl.builders.flow.actions",
    "ChatAgent": "retell_dsl.builders.chat_agent",
    "CodeNode": "retell_dsl.builders.flow.actions",
    "CodeTool": "retell_dsl.builders.tools.functions",
    "ColdTransfer": "retell_dsl.builders.tools.transfer",
    "Comparison": "retell_dsl.builders.conditions",
    "CompiledResource": "retell_dsl.compiler",
    "CompiledStack": "retell_dsl.compiler",
    "Component": "retell_dsl.builders.flow.flow",
    "ComponentNode": "retell_dsl.builders.flow.actions",
    "Condition": "retell_dsl.builders.conditions",
    "ConfigurationError": "retell_dsl.errors",
    "ConversationFlow": "retell_dsl.builders.flow.flow",
    "ConversationNode": "retell_dsl.builders.flow.talk",
    "CustomLLM": "retell_dsl.builders.engine",
    "CustomTool": "retell_dsl.builders.tools.functions",
    "DataField": "retell_dsl.builders.fields",
    "DtmfOptions": "retell_dsl.builders.agent_options",
    "Edge": "retell_dsl.builders.flow.base",
    "EndCall": "retell_dsl.builders.tools.calls",
    "EndNode": "retell_dsl.builders.flow.talk",
    "Engine": "retell_dsl.builders.agent",
    "EnumField": "retell_dsl.builders.fields",
    "Equation": "retell_dsl.builders.conditions",
    "ExtractNode": "retell_dsl.builders.flow.talk",
    "ExtractVariables": "retell_dsl.builders.tools.functions",
    "FlowTool": "retell_dsl.builders.flow.flow",
    "FrozenMap": "retell_dsl.builders.base",
    "FunctionNode": "retell_dsl.builders.flow.actions",
    "GlobalNode": "retell_dsl.builders.flow.base",
    "Handoff": "retell_dsl.builders.tools.transfer",
    "Inferred": "retell_dsl.builders.tools.transfer",
    "IntegrationAppTool": "retell_dsl.builders.tools.functions",
    "InvalidArgument": "retell_dsl.errors",
    "InvalidSpec": "retell_dsl.errors",
    "Issue": "retell_dsl.validation",
    "Issues": "retell_dsl.validation",
    "Ivr": "retell_dsl.builders.agent_options",
    "KBText": "retell_dsl.builders.kb",
    "KnowledgeBase": "retell_dsl.builders.kb",
    "MCPNode": "retell_dsl.builders.flow.actions",
    "McpServer": "retell_dsl.builders.engine",
    "McpTool": "retell_dsl.builders.tools.functions",
    "Node": "retell_dsl.builders.flow.base",
    "NumberField": "retell_dsl.builders.fields",
    "PhoneNumber": "retell_dsl.builders.phone",
    "PressDigit": "retell_dsl.builders.tools.calls",
    "PressDigitNode": "retell_dsl.builders.flow.talk",
    "Prompt": "retell_dsl.builders.prompt",
    "PromptCondition": "retell_dsl.builders.conditions",
    "Pronunciation": "retell_dsl.builders.agent_options",
    "RawNode": "retell_dsl.builders.flow.base",
    "Ref": "retell_dsl.builders.stack",
    "Resource": "retell_dsl.builders.stack",
    "RetellDSLError": "retell_dsl.errors",
    "RetellLLM": "retell_dsl.builders.llm",
    "RoutedNode": "retell_dsl.builders.flow.base",
    "SMSNode": "retell_dsl.builders.flow.talk",
    "SchemaError": "retell_dsl.errors",
    "SendSMS": "retell_dsl.builders.tools.calls",
    "SharedComponent": "retell_dsl.builders.flow.shared",
    "SipTrunk": "retell_dsl.builders.phone",
    "SourceLocation": "retell_dsl.builders.base",
    "Spec": "retell_dsl.builders.base",
    "Stack": "retell_dsl.builders.stack",
    "State": "retell_dsl.builders.llm",
    "StateEdge": "retell_dsl.builders.llm",
    "StringField": "retell_dsl.builders.fields",
    "SubagentNode": "retell_dsl.builders.flow.talk",
    "SystemPreset": "retell_dsl.builders.fields",
    "Tool": "retell_dsl.builders.tools.calls",
    "TransferCall": "retell_dsl.builders.tools.calls",
    "TransferNode": "retell_dsl.builders.flow.actions",
    "Unset": "retell_dsl.builders.base",
    "ValidationFailed": "retell_dsl.errors",
    "Var": "retell_dsl.builders.prompt",
    "Voicemail": "retell_dsl.builders.agent_options",
    "WarmTransfer": "retell_dsl.builders.tools.transfer",
    "compile": "retell_dsl.checked",
    "flow_graph": "retell_dsl.graph",
    "resolve_refs": "retell_dsl.compiler",
    "stack_graph": "retell_dsl.graph",
    "to_json": "retell_dsl.compiler",
    "validate": "retell_dsl.validation",
    "when": "retell_dsl.builders.conditions",
}


def publish(module: str) -> None:
    """Make the public classes imported from ``module`` (or its submodules) report ``retell_dsl``.

    Each such class keeps a ``__test__`` entry in the module that defines it, so ``doctest`` still
    finds its examples there. Idempotent; called by the defining packages and by ``__getattr__``.
    """
    for name, where in PUBLIC.items():
        if where != module and not where.startswith(module + "."):
            continue
        defining = _sys.modules.get(where)
        value = None if defining is None else getattr(defining, name, None)
        if not isinstance(value, type):
            continue
        origin = value.__module__
        if origin == FACADE or not origin.startswith(FACADE + "."):
            continue
        namespace = vars(_sys.modules[origin])
        namespace.setdefault("__test__", {})[name] = value
        value.__module__ = FACADE
