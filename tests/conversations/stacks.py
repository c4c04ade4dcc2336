"""A small order-status flow, as a chat agent and a voice agent, and a session deploying it to an emulator."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retell_dsl import Agent, ChatAgent, ConversationFlow, ConversationNode, CustomTool, EndNode, FunctionNode, Stack
from retell_dsl.conversations import ModelSwitch, ToolMocks, plug_engine
from retell_dsl.deploy import Project
from retell_dsl.sim.models import NoModel, Rule
from retell_dsl.target import Target, resolve_target

lookup = CustomTool(
    name="lookup_order",
    description="Look up an order by number.",
    url="https://shop.example/orders",
    parameters={"type": "object", "properties": {"order": {"type": "string"}}, "required": ["order"]},
)
flow = (
    ConversationFlow(name="shop", start_speaker="agent", model="gpt-4.1")
    .tool(lookup)
    .start_at("greet")
    .node(
        ConversationNode(name="greet", static_text="Hi {{name}}! What is your order number?").to(
            "look up", when="The caller gives an order number"
        )
    )
    .node(FunctionNode(name="look up", tool="lookup_order", static_text="One moment.").otherwise("bye"))
    .node(EndNode(name="bye", static_text="Your order has shipped. Bye!"))
    .defaults(name="there")
)
stack = Stack(name="shop").add(
    ChatAgent(name="shop chat", engine=flow), Agent(name="shop line", voice="11labs-Adrian", engine=flow)
)
#: The scripted turns of a conversation that looks up order A17.
RULES = (
    Rule(node="greet", purpose="prompt_condition", user="A17").transition("look up"),
    Rule(node="look up", purpose="tool_arguments").call("lookup_order", {"order": "A17"}),
)


@dataclass
class Shop:
    """The shop stack deployed to an in-memory emulator whose engine answers tools with ``mocks``."""

    target: Target
    switch: ModelSwitch
    mocks: ToolMocks
    ids: dict[str, str]

    @property
    def client(self) -> Any:
        return self.target.client()


def deploy_shop(root: Path) -> Shop:
    target = resolve_target("emulator", emulator_db=":memory:", environ={})
    mocks = ToolMocks()
    _, switch = plug_engine(target, mocks, NoModel())
    client = target.client()
    project = Project(root)
    project.apply(project.plan(stack, client), client)
    return Shop(target, switch, mocks, {a: o.remote_id for a, o in project.state().items() if o.remote_id})
