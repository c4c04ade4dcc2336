"""Conversation flows: nodes of every type, edges by node name, components."""

from __future__ import annotations

from retell_dsl.builders.flow.actions import (
    AgentSwapNode,
    BranchNode,
    BridgeTransferNode,
    CancelTransferNode,
    CodeNode,
    ComponentNode,
    FunctionNode,
    MCPNode,
    TransferNode,
)
from retell_dsl.builders.flow.base import Edge, GlobalNode, Node, RawNode, RoutedNode
from retell_dsl.builders.flow.flow import Component, ConversationFlow, FlowTool
from retell_dsl.builders.flow.talk import (
    ConversationNode,
    EndNode,
    ExtractNode,
    PressDigitNode,
    SMSNode,
    SubagentNode,
)

__all__ = [
    "AgentSwapNode",
    "BranchNode",
    "BridgeTransferNode",
    "CancelTransferNode",
    "CodeNode",
    "Component",
    "ComponentNode",
    "ConversationFlow",
    "ConversationNode",
    "Edge",
    "EndNode",
    "ExtractNode",
    "FlowTool",
    "FunctionNode",
    "GlobalNode",
    "MCPNode",
    "Node",
    "PressDigitNode",
    "RawNode",
    "RoutedNode",
    "SMSNode",
    "SubagentNode",
    "TransferNode",
]
