"""Tools an LLM (or a flow's subagent/function nodes) can call."""

from __future__ import annotations

from retell_dsl.builders.tools.calls import (
    AgentSwap,
    BridgeTransfer,
    CancelTransfer,
    EndCall,
    PressDigit,
    SendSMS,
    SpeakingTool,
    Tool,
    TransferCall,
)
from retell_dsl.builders.tools.functions import (
    CodeTool,
    CustomTool,
    ExtractVariables,
    IntegrationAppTool,
    McpTool,
    schema_from_function,
)
from retell_dsl.builders.tools.transfer import (
    AgenticWarmTransfer,
    ColdTransfer,
    Destination,
    Handoff,
    Inferred,
    TransferOption,
    WarmTransfer,
)

__all__ = [
    "AgentSwap",
    "AgenticWarmTransfer",
    "BridgeTransfer",
    "CancelTransfer",
    "CodeTool",
    "ColdTransfer",
    "CustomTool",
    "Destination",
    "EndCall",
    "ExtractVariables",
    "Handoff",
    "Inferred",
    "IntegrationAppTool",
    "McpTool",
    "PressDigit",
    "SendSMS",
    "SpeakingTool",
    "Tool",
    "TransferCall",
    "TransferOption",
    "WarmTransfer",
    "schema_from_function",
]
