"""retell-dsl: Retell AI voice agents as code.

Public API
----------
What is public, and therefore kept stable across releases:

* the names listed in ``retell_dsl.__all__`` (this facade): every builder, ``compile``,
  ``validate``, ``to_json``, the graphs and the error tree;
* the documented namespaces, each with its own sorted ``__all__``: ``retell_dsl.deploy``
  (plan / apply / state), ``retell_dsl.target`` (emulator or live API), ``retell_dsl.emulator``
  (the in-process Retell API) and ``retell_dsl.toolkit`` (the Retell operations run from Python,
  the CLI and MCP).

Everything else is internal and may change without notice: other modules (``retell_dsl.builders.*``,
``retell_dsl.compiler.*``, ``retell_dsl.importer``, ...), names that start with an underscore, and
names a module does not list in its ``__all__``. Examples, the README and the docs import only
public names (``tests/test_public_imports.py`` checks their imports).

Public classes report their public path: ``retell_dsl.Agent.__module__ == "retell_dsl"``, so reprs,
tracebacks and docs say ``retell_dsl.Agent`` and pickles refer to the stable path. Builders and
errors do so as soon as their package loads (``retell_dsl.builders`` and ``retell_dsl.errors`` call
``_publish``); the compiler's and validation's public classes once the facade hands them out. Each
such class stays listed in its defining module's ``__test__``, so its doctests still run there. A
consequence: string annotations of these classes resolve in their defining module, so use
``typing.get_type_hints(Agent.__init__)`` (as Hypothesis does) rather than ``get_type_hints(Agent)``.

How this module is built
------------------------
``_PUBLIC`` below is the one list of the facade: public name → the module that defines (or, for the
compiler, validation and graph packages, exports) it. ``__all__``, the lazy ``__getattr__`` (PEP 562:
``import retell_dsl`` and the ``retell-dsl`` command line start without importing the Retell SDK)
and ``__dir__`` derive from it. The ``TYPE_CHECKING`` block repeats it for type checkers, one
``from <module> import <name> as <name>`` line per name; ``tests/test_public_api.py`` fails if the
two disagree in any name or module. To re-point a name, change its line here and its import line.

>>> import retell_dsl
>>> retell_dsl.Agent.__module__
'retell_dsl'
>>> "Agent" in retell_dsl.__all__ and "Agent" in dir(retell_dsl)
True
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from retell_dsl.builders.agent import Agent as Agent
    from retell_dsl.builders.agent import Engine as Engine
    from retell_dsl.builders.agent_options import DtmfOptions as DtmfOptions
    from retell_dsl.builders.agent_options import Ivr as Ivr
    from retell_dsl.builders.agent_options import Pronunciation as Pronunciation
    from retell_dsl.builders.agent_options import Voicemail as Voicemail
    from retell_dsl.builders.base import UNSET as UNSET
    from retell_dsl.builders.base import FrozenMap as FrozenMap
    from retell_dsl.builders.base import SourceLocation as SourceLocation
    from retell_dsl.builders.base import Spec as Spec
    from retell_dsl.builders.base import Unset as Unset
    from retell_dsl.builders.batch import BatchCall as BatchCall
    from retell_dsl.builders.batch import CallTask as CallTask
    from retell_dsl.builders.batch import CallWindow as CallWindow
    from retell_dsl.builders.chat_agent import ChatAgent as ChatAgent
    from retell_dsl.builders.conditions import Comparison as Comparison
    from retell_dsl.builders.conditions import Condition as Condition
    from retell_dsl.builders.conditions import Equation as Equation
    from retell_dsl.builders.conditions import PromptCondition as PromptCondition
    from retell_dsl.builders.conditions import when as when
    from retell_dsl.builders.engine import CustomLLM as CustomLLM
    from retell_dsl.builders.engine import McpServer as McpServer
    from retell_dsl.builders.fields import AnalysisField as AnalysisField
    from retell_dsl.builders.fields import BooleanField as BooleanField
    from retell_dsl.builders.fields import DataField as DataField
    from retell_dsl.builders.fields import EnumField as EnumField
    from retell_dsl.builders.fields import NumberField as NumberField
    from retell_dsl.builders.fields import StringField as StringField
    from retell_dsl.builders.fields import SystemPreset as SystemPreset
    from retell_dsl.builders.flow.actions import AgentSwapNode as AgentSwapNode
    from retell_dsl.builders.flow.actions import BranchNode as BranchNode
    from retell_dsl.builders.flow.actions import BridgeTransferNode as BridgeTransferNode
    from retell_dsl.builders.flow.actions import CancelTransferNode as CancelTransferNode
    from retell_dsl.builders.flow.actions import CodeNode as CodeNode
    from retell_dsl.builders.flow.actions import ComponentNode as ComponentNode
    from retell_dsl.builders.flow.actions import FunctionNode as FunctionNode
    from retell_dsl.builders.flow.actions import MCPNode as MCPNode
    from retell_dsl.builders.flow.actions import TransferNode as TransferNode
    from retell_dsl.builders.flow.base import Edge as Edge
    from retell_dsl.builders.flow.base import GlobalNode as GlobalNode
    from retell_dsl.builders.flow.base import Node as Node
    from retell_dsl.builders.flow.base import RawNode as RawNode
    from retell_dsl.builders.flow.base import RoutedNode as RoutedNode
    from retell_dsl.builders.flow.flow import Component as Component
    from retell_dsl.builders.flow.flow import ConversationFlow as ConversationFlow
    from retell_dsl.builders.flow.flow import FlowTool as FlowTool
    from retell_dsl.builders.flow.shared import SharedComponent as SharedComponent
    from retell_dsl.builders.flow.talk import ConversationNode as ConversationNode
    from retell_dsl.builders.flow.talk import EndNode as EndNode
    from retell_dsl.builders.flow.talk import ExtractNode as ExtractNode
    from retell_dsl.builders.flow.talk import PressDigitNode as PressDigitNode
    from retell_dsl.builders.flow.talk import SMSNode as SMSNode
    from retell_dsl.builders.flow.talk import SubagentNode as SubagentNode
    from retell_dsl.builders.kb import KBText as KBText
    from retell_dsl.builders.kb import KnowledgeBase as KnowledgeBase
    from retell_dsl.builders.llm import RetellLLM as RetellLLM
    from retell_dsl.builders.llm import State as State
    from retell_dsl.builders.llm import StateEdge as StateEdge
    from retell_dsl.builders.phone import AgentBinding as AgentBinding
    from retell_dsl.builders.phone import PhoneNumber as PhoneNumber
    from retell_dsl.builders.phone import SipTrunk as SipTrunk
    from retell_dsl.builders.prompt import Prompt as Prompt
    from retell_dsl.builders.prompt import Var as Var
    from retell_dsl.builders.stack import Ref as Ref
    from retell_dsl.builders.stack import Resource as Resource
    from retell_dsl.builders.stack import Stack as Stack
    from retell_dsl.builders.tools.calls import AgentSwap as AgentSwap
    from retell_dsl.builders.tools.calls import BridgeTransfer as BridgeTransfer
    from retell_dsl.builders.tools.calls import CancelTransfer as CancelTransfer
    from retell_dsl.builders.tools.calls import EndCall as EndCall
    from retell_dsl.builders.tools.calls import PressDigit as PressDigit
    from retell_dsl.builders.tools.calls import SendSMS as SendSMS
    from retell_dsl.builders.tools.calls import Tool as Tool
    from retell_dsl.builders.tools.calls import TransferCall as TransferCall
    from retell_dsl.builders.tools.functions import CodeTool as CodeTool
    from retell_dsl.builders.tools.functions import CustomTool as CustomTool
    from retell_dsl.builders.tools.functions import ExtractVariables as ExtractVariables
    from retell_dsl.builders.tools.functions import IntegrationAppTool as IntegrationAppTool
    from retell_dsl.builders.tools.functions import McpTool as McpTool
    from retell_dsl.builders.tools.transfer import AgenticWarmTransfer as AgenticWarmTransfer
    from retell_dsl.builders.tools.transfer import ColdTransfer as ColdTransfer
    from retell_dsl.builders.tools.transfer import Handoff as Handoff
    from retell_dsl.builders.tools.transfer import Inferred as Inferred
    from retell_dsl.builders.tools.transfer import WarmTransfer as WarmTransfer
    from retell_dsl.checked import compile as compile
    from retell_dsl.compiler import CompiledResource as CompiledResource
    from retell_dsl.compiler import CompiledStack as CompiledStack
    from retell_dsl.compiler import resolve_refs as resolve_refs
    from retell_dsl.compiler import to_json as to_json
    from retell_dsl.errors import ConfigurationError as ConfigurationError
    from retell_dsl.errors import InvalidArgument as InvalidArgument
    from retell_dsl.errors import InvalidSpec as InvalidSpec
    from retell_dsl.errors import RetellDSLError as RetellDSLError
    from retell_dsl.errors import SchemaError as SchemaError
    from retell_dsl.errors import ValidationFailed as ValidationFailed
    from retell_dsl.graph import flow_graph as flow_graph
    from retell_dsl.graph import stack_graph as stack_graph
    from retell_dsl.validation import Issue as Issue
    from retell_dsl.validation import Issues as Issues
    from retell_dsl.validation import validate as validate

__version__ = "0.1.0"

from retell_dsl.naming import PUBLIC as _PUBLIC
from retell_dsl.naming import publish as _publish

__all__ = [*_PUBLIC, "__version__"]  # noqa: PLE0604 -- derived from _PUBLIC (sorted there); see the docstring


def __getattr__(name: str) -> _typing.Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    _publish(module)
    # Not cached in globals(): a public class found in this module's namespace would be collected
    # (and run with the wrong globals) by doctest, which finds it through its defining module.
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
