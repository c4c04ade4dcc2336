"""``retell-dsl demo``: a guided tour of a realistic agent set-up on the embedded emulator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from retell import Retell
    from rich.console import Console

__all__ = ["register"]

CLINIC_PROMPT = (
    "You are the receptionist of {{clinic_name}}. Greet callers warmly, find out whether they want to book, "
    "move or cancel an appointment, and collect their name and preferred date."
)


def _step(console: Console, number: int, title: str) -> None:
    console.print()
    console.rule(f"[bold]{number}. {title}")


def _tour(client: Retell, console: Console) -> dict[str, Any]:
    from rich.table import Table

    _step(console, 1, "Pick a voice")
    voices = client.voice.list()
    table = Table("voice_id", "provider", "gender", "accent", title=f"{len(voices)} voices; the first six")
    for v in voices[:6]:
        table.add_row(v.voice_id, v.provider, v.gender, v.accent or "")
    console.print(table)

    _step(console, 2, "Create a Retell LLM with states and tools")
    llm = client.llm.create(
        model_config={"type": "cascading", "primary": {"model": "gpt-4.1"}, "temperature": 0.2},
        start_speaker="agent",
        begin_message="Hi, this is {{clinic_name}}. How can I help?",
        general_prompt=CLINIC_PROMPT,
        default_dynamic_variables={"clinic_name": "Acme Dental"},
        general_tools=[
            {"type": "end_call", "name": "end_call", "description": "End the call when the caller is done."},
            {
                "type": "transfer_call",
                "name": "transfer_to_front_desk",
                "transfer_destination": {"type": "predefined", "number": "+14155550100"},
                "transfer_option": {"type": "cold_transfer"},
            },
        ],
        starting_state="intake",
        states=[
            {
                "name": "intake",
                "state_prompt": "Find out what the caller needs.",
                "edges": [{"destination_state_name": "booking", "description": "The caller wants to book."}],
            },
            {
                "name": "booking",
                "state_prompt": "Collect the caller's name and preferred date.",
                "tools": [
                    {
                        "type": "custom",
                        "name": "book_slot",
                        "url": "https://example.com/book",
                        "parameters": {
                            "type": "object",
                            "properties": {"date": {"type": "string"}},
                            "required": ["date"],
                        },
                    }
                ],
            },
        ],
    )
    console.print(f"LLM [cyan]{llm.llm_id}[/] version {llm.version}, states: intake → booking")

    _step(console, 3, "Create the voice agent and publish it")
    agent = client.agent.create(
        agent_name="Acme Dental receptionist",
        response_engine={"type": "retell-llm", "llm_id": llm.llm_id},
        voice_id="11labs-Grace",
        language="en-US",
        post_call_analysis_data=[
            {"type": "boolean", "name": "appointment_booked", "description": "Did the caller book?"}
        ],
    )
    client.agent.publish(agent.agent_id, version=0, version_title="launch")
    draft = client.agent.create_version(agent.agent_id, base_version=0)
    versions = client.agent.list_versions(agent.agent_id, sort_order="ascending").items
    table = Table("version", "published", "based on", title=f"agent {agent.agent_id}")
    for item in versions:
        table.add_row(str(item.version), "yes" if item.is_published else "draft", str(item.base_version))
    console.print(table)
    console.print(
        f"Publishing froze version 0 and its LLM version; the new draft {draft.version} "
        f"uses LLM version {client.llm.retrieve(llm.llm_id).version} for further edits."
    )

    _step(console, 4, "Buy a phone number bound to the published agent")
    number = client.phone_number.create(
        area_code=415,
        nickname="Front desk",
        inbound_agents=[{"agent_id": agent.agent_id, "weight": 1, "agent_version": 0}],
        outbound_agents=[{"agent_id": agent.agent_id, "weight": 1, "agent_version": 0}],
    )
    console.print(f"Number [cyan]{number.phone_number_pretty or number.phone_number}[/] ({number.phone_number_type})")

    _step(console, 5, "Place calls")
    call = client.call.create_phone_call(
        from_number=number.phone_number,
        to_number="+12125550123",
        retell_llm_dynamic_variables={"clinic_name": "Acme Dental"},
        metadata={"campaign": "demo"},
    )
    web = client.call.create_web_call(agent_id=agent.agent_id)
    listed = client.call.list(limit=10).items
    table = Table("call_id", "type", "status", "agent version", title="calls")
    for c in listed:
        table.add_row(c.call_id, c.call_type, c.call_status, str(c.agent_version))
    console.print(table)
    concurrency = client.concurrency.retrieve()
    console.print(
        f"Concurrency: {concurrency.current_concurrency} of {concurrency.concurrency_limit} in use "
        f"(calls stay 'registered' until the simulation engine runs them)."
    )
    return {
        "llm": llm.llm_id,
        "agent": agent.agent_id,
        "number": number.phone_number,
        "calls": [call.call_id, web.call_id],
    }


def demo(
    db: Annotated[
        str, typer.Option(help="Emulator state file; the default ':memory:' starts fresh every run.")
    ] = ":memory:",
) -> None:
    """Tour retell-dsl on the embedded Retell API emulator: voices, an LLM with states and tools, a
    published agent with a new draft, a phone number with weighted bindings, and calls.

    Nothing leaves this machine; no Retell account is needed.
    """
    from rich.console import Console

    from retell_dsl.target import resolve_target

    console = Console()
    target = resolve_target("emulator", emulator_db=db)
    console.print(f"[bold]retell-dsl demo[/] — target: {target.describe()}")
    created = _tour(target.client(), console)
    console.print()
    console.print(f"[green]Done.[/] Created {len(created)} kinds of objects; run [bold]retell-dsl --help[/] next.")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
