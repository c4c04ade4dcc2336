"""``retell-dsl numbers``: buy, import, bind and release phone numbers."""

# ruff: noqa: PLR0917  (typer reads a command's options from its parameters)
from __future__ import annotations

from typing import Annotated, Any

import typer

from retell_dsl.cli.toolkit._common import (
    FileOpt,
    JsonOpt,
    LimitOpt,
    TargetOpt,
    YesOpt,
    confirm,
    execute,
    merge,
)

__all__ = ["numbers"]

numbers = typer.Typer(help="Phone numbers: buy, import, bind agents, release.", no_args_is_help=True)

_NUMBER_FIRST = (
    "phone_number",
    "phone_number_pretty",
    "phone_number_type",
    "nickname",
    "inbound_agents",
    "outbound_agents",
)

InboundOpt = Annotated[str | None, typer.Option("--inbound-agent", help="Agent that answers calls to this number.")]
OutboundOpt = Annotated[str | None, typer.Option("--outbound-agent", help="Agent that places calls from this number.")]
NicknameOpt = Annotated[str | None, typer.Option("--nickname", help="A name for your own reference.")]


def _bind(agent_id: str | None) -> list[dict[str, Any]] | None:
    return [{"agent_id": agent_id, "weight": 1}] if agent_id else None


def _number_view(result: Any) -> None:
    from retell_dsl.cli.toolkit._render import render_detail

    render_detail("Phone number", result, first=_NUMBER_FIRST)


def _agents_of(key: str) -> Any:
    return lambda n: ", ".join(str(a.get("agent_id")) for a in n.get(key) or [])


@numbers.command("list")
def numbers_list(
    limit: LimitOpt = 50,
    fetch_all: Annotated[bool, typer.Option("--all", help="Fetch every page.")] = False,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """List phone numbers with their inbound and outbound agents.

    Example: retell-dsl numbers list
    """

    def show(result: Any) -> None:
        from retell_dsl.cli.toolkit._render import render_table

        cols = [
            ("number", "phone_number"),
            ("type", "phone_number_type"),
            ("nickname", "nickname"),
            ("inbound", _agents_of("inbound_agents")),
            ("outbound", _agents_of("outbound_agents")),
        ]
        render_table("Phone numbers", result["items"], cols, more=bool(result.get("has_more")))

    execute("list_phone_numbers", {}, target=target, as_json=as_json, render=show, limit=None if fetch_all else limit)


@numbers.command("get")
def numbers_get(phone_number: str, target: TargetOpt = "auto", as_json: JsonOpt = False) -> None:
    """Show one phone number.

    Example: retell-dsl numbers get +14155550100
    """
    execute("get_phone_number", {"phone_number": phone_number}, target=target, as_json=as_json, render=_number_view)


@numbers.command("buy")
def numbers_buy(
    area_code: Annotated[int | None, typer.Option("--area-code", help="3-digit US/CA area code.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="US or CA.")] = None,
    toll_free: Annotated[bool, typer.Option("--toll-free", help="Buy a toll-free number.")] = False,
    number: Annotated[str | None, typer.Option("--number", help="Buy exactly this E.164 number.")] = None,
    provider: Annotated[str | None, typer.Option("--provider", help="twilio or telnyx.")] = None,
    inbound_agent: InboundOpt = None,
    outbound_agent: OutboundOpt = None,
    nickname: NicknameOpt = None,
    file: FileOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Buy a phone number, optionally binding agents at purchase.

    Example: retell-dsl numbers buy --area-code 415 --inbound-agent agent_123 --outbound-agent agent_123
    """
    flags = {
        "area_code": area_code,
        "country_code": country,
        "toll_free": True if toll_free else None,
        "phone_number": number,
        "number_provider": provider,
        "nickname": nickname,
        "inbound_agents": _bind(inbound_agent),
        "outbound_agents": _bind(outbound_agent),
    }
    execute("create_phone_number", merge(file, flags), target=target, as_json=as_json, render=_number_view)


@numbers.command("import")
def numbers_import(
    number: Annotated[str | None, typer.Option("--number", help="Your E.164 number on the SIP trunk.")] = None,
    termination_uri: Annotated[str | None, typer.Option("--termination-uri", help="e.g. x.pstn.twilio.com.")] = None,
    username: Annotated[str | None, typer.Option("--sip-username", help="SIP trunk user (password: --file).")] = None,
    inbound_agent: InboundOpt = None,
    outbound_agent: OutboundOpt = None,
    nickname: NicknameOpt = None,
    file: FileOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Import a number you own from a SIP trunk (Twilio, Telnyx, ...).

    Example: retell-dsl numbers import --number +14155550100 --termination-uri acme.pstn.twilio.com

    Credentials stay off the command line: put sip_trunk_auth_password in --file.
    """
    flags = {
        "phone_number": number,
        "termination_uri": termination_uri,
        "sip_trunk_auth_username": username,
        "nickname": nickname,
        "inbound_agents": _bind(inbound_agent),
        "outbound_agents": _bind(outbound_agent),
    }
    execute("import_phone_number", merge(file, flags), target=target, as_json=as_json, render=_number_view)


@numbers.command("update")
def numbers_update(
    phone_number: str,
    inbound_agent: InboundOpt = None,
    outbound_agent: OutboundOpt = None,
    nickname: NicknameOpt = None,
    file: FileOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Change only the given settings of a phone number.

    Example: retell-dsl numbers update +14155550100 --inbound-agent agent_456
    """
    flags = {
        "phone_number": phone_number,
        "nickname": nickname,
        "inbound_agents": _bind(inbound_agent),
        "outbound_agents": _bind(outbound_agent),
    }
    execute("update_phone_number", merge(file, flags), target=target, as_json=as_json, render=_number_view)


@numbers.command("delete")
def numbers_delete(
    phone_number: str, yes: YesOpt = False, target: TargetOpt = "auto", as_json: JsonOpt = False
) -> None:
    """Release a phone number.

    Example: retell-dsl numbers delete +14155550100 --yes
    """
    confirm(f"Release phone number {phone_number}", yes)
    execute(
        "delete_phone_number",
        {"phone_number": phone_number},
        target=target,
        as_json=as_json,
        render=lambda r: typer.echo(f"Deleted phone number {phone_number}."),
    )
