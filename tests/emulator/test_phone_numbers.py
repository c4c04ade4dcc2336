"""Phone numbers through the official SDK: purchase, import, bindings, literal ``+`` paths, update, list, delete."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import retell

from retell_dsl.emulator import ManualClock
from retell_dsl.emulator.domain.phone_numbers import CA_AREA_CODES, TOLL_FREE_AREA_CODES
from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent, make_chat_agent, make_llm, raw_request

NANP = re.compile(r"^\+1([2-9]\d\d)([2-9]\d\d)(\d{4})$")
TRUNK = "acme.pstn.twilio.com"


def _assert_valid(number: Any) -> None:
    m = NANP.match(number.phone_number)
    assert m is not None, number.phone_number
    assert not m[1].endswith("11") and not m[2].endswith("11")
    assert number.phone_number_pretty == f"+1 ({m[1]}) {m[2]}-{m[3]}"
    assert number.area_code == int(m[1])


def _import(api: Api, number: str = "+14155550100", **kwargs: Any) -> Any:
    return api.call("phone_number.import_", phone_number=number, termination_uri=TRUNK, **kwargs)


def test_purchase_by_area_code_gives_unique_valid_numbers(api: Api) -> None:
    numbers = [api.call("phone_number.create", area_code=415) for _ in range(12)]
    for n in numbers:
        _assert_valid(n)
        assert (n.area_code, n.phone_number_type) == (415, "retell-twilio")
    assert len({n.phone_number for n in numbers}) == 12
    assert sorted(api.emu.dump()["phone_number"]) == sorted(n.phone_number for n in numbers)


def test_purchase_without_area_code_and_in_canada(api: Api) -> None:
    us = api.call("phone_number.create")
    _assert_valid(us)
    assert us.area_code not in CA_AREA_CODES and us.area_code not in TOLL_FREE_AREA_CODES
    ca = api.call("phone_number.create", country_code="CA")
    _assert_valid(ca)
    assert ca.area_code in CA_AREA_CODES
    with pytest.raises(retell.BadRequestError, match="area_code 416 is not in country_code US"):
        api.call("phone_number.create", area_code=416)


def test_purchase_toll_free_and_telnyx(api: Api) -> None:
    free = api.call("phone_number.create", toll_free=True, number_provider="telnyx")
    _assert_valid(free)
    assert free.area_code in TOLL_FREE_AREA_CODES
    assert free.phone_number_type == "retell-telnyx"
    assert api.call("phone_number.create", toll_free=True, area_code=888).area_code == 888
    with pytest.raises(retell.BadRequestError, match="not a toll-free area code"):
        api.call("phone_number.create", toll_free=True, area_code=415)
    with pytest.raises(retell.BadRequestError, match="pass toll_free=true"):
        api.call("phone_number.create", area_code=800)


def test_purchase_a_specific_number(api: Api) -> None:
    bought = api.call("phone_number.create", phone_number="+14155550123", nickname="Front line")
    assert (bought.phone_number, bought.phone_number_pretty, bought.nickname) == (
        "+14155550123",
        "+1 (415) 555-0123",
        "Front line",
    )
    before = api.emu.dump()
    with pytest.raises(retell.BadRequestError, match=r"\+14155550123 is already in use"):
        api.call("phone_number.create", phone_number="+14155550123")
    with pytest.raises(retell.BadRequestError, match=r"not a North American E\.164 number"):
        api.call("phone_number.create", phone_number="+1415555")
    with pytest.raises(retell.BadRequestError, match="not in area_code 212"):
        api.call("phone_number.create", phone_number="+14155550124", area_code=212)
    assert api.emu.dump() == before


def test_import_keeps_the_trunk_and_never_returns_the_password(api: Api) -> None:
    number = _import(api, sip_trunk_auth_username="trunk-user", sip_trunk_auth_password="s3cret-pw", codecs=["PCMU"])
    assert number.phone_number_type == "custom"
    trunk = number.sip_outbound_trunk_config
    assert (trunk.termination_uri, trunk.auth_username, trunk.transport, trunk.codecs) == (
        TRUNK,
        "trunk-user",
        "TCP",
        ["PCMU"],
    )
    updated = api.call("phone_number.update", number.phone_number, auth_password="n3w-pw", transport="tls")
    assert updated.sip_outbound_trunk_config.transport == "TLS"
    for resp in (
        raw_request(api, "GET", f"/get-phone-number/{number.phone_number}"),
        raw_request(api, "GET", "/v2/list-phone-numbers"),
    ):
        assert resp.status_code == 200
        assert "s3cret-pw" not in resp.text and "n3w-pw" not in resp.text and "password" not in resp.text
    stored = api.emu.dump()["phone_number"][number.phone_number][0]
    assert stored["_sip_auth_password"] == "n3w-pw"


def test_import_validation(api: Api) -> None:
    assert _import(api, "sip-line-7").phone_number == "sip-line-7"  # ignore_e164_validation defaults to true
    before = api.emu.dump()
    with pytest.raises(retell.BadRequestError, match=r"is not an E\.164 number"):
        _import(api, "sip-line-8", ignore_e164_validation=False)
    with pytest.raises(retell.BadRequestError, match="already in use"):
        _import(api, "sip-line-7")
    with pytest.raises(retell.BadRequestError, match="termination_uri: missing required field"):
        api.call("post", "/import-phone-number", body={"phone_number": "+14155550101"}, cast_to=object)
    with pytest.raises(retell.BadRequestError, match="cannot be used as a phone number id"):
        _import(api, "a/b")
    with pytest.raises(retell.BadRequestError, match="transport must be one of TLS, TCP, UDP"):
        _import(api, "+14155550102", transport="SCTP")
    assert api.emu.dump() == before


def test_weighted_bindings(api: Api) -> None:
    llm = make_llm(api)
    a, b = (make_agent(api, llm_id=llm.llm_id).agent_id for _ in range(2))
    number = api.call(
        "phone_number.create",
        inbound_agents=[{"agent_id": a, "weight": 0.25}, {"agent_id": b, "weight": 0.75, "agent_version": 0}],
        outbound_agents=[{"agent_id": b, "weight": 1, "agent_version": "prod"}],
    )
    got = api.call("phone_number.retrieve", number.phone_number)
    assert [(x.agent_id, x.weight, x.agent_version) for x in got.inbound_agents] == [(a, 0.25, None), (b, 0.75, 0)]
    assert [(x.agent_id, x.agent_version) for x in got.outbound_agents] == [(b, "prod")]
    listed = api.call("phone_number.list").items
    assert [x.agent_id for x in listed[0].inbound_agents] == [a, b]

    before = api.emu.dump()
    bad: list[tuple[dict[str, Any], str]] = [
        ({"inbound_agents": [{"agent_id": a, "weight": 0.5}]}, "inbound_agents: weights must sum to 1, got 0.5"),
        ({"outbound_agents": [{"agent_id": "agent_nobody", "weight": 1}]}, "agent_id agent_nobody does not exist"),
        ({"inbound_agents": [{"agent_id": a, "weight": 1, "agent_version": 7}]}, "agent_version 7 of agent"),
        ({"outbound_agents": [{"agent_id": a, "weight": 1, "agent_version": "latest_published"}]},
         "has no published version"),
        ({"inbound_sms_agents": [{"agent_id": a, "weight": 1}]}, "is a voice agent; inbound_sms_agents takes chat"),
    ]  # fmt: skip
    for body, message in bad:
        with pytest.raises(retell.BadRequestError, match=re.escape(message)):
            api.call("phone_number.update", number.phone_number, **body)
    assert api.emu.dump() == before
    chat = make_chat_agent(api, llm_id=llm.llm_id).agent_id
    with pytest.raises(retell.BadRequestError, match="is a chat agent"):
        api.call("phone_number.update", number.phone_number, outbound_agents=[{"agent_id": chat, "weight": 1}])
    sms = api.call("phone_number.update", number.phone_number, inbound_sms_agents=[{"agent_id": chat, "weight": 1}])
    assert [x.agent_id for x in sms.inbound_sms_agents] == [chat]
    cleared = api.call("phone_number.update", number.phone_number, inbound_agents=None)
    assert cleared.inbound_agents is None and cleared.outbound_agents is not None


def test_plus_is_literal_in_paths(api: Api) -> None:
    number = api.call("phone_number.create", phone_number="+14155550188").phone_number
    literal = raw_request(api, "GET", f"/get-phone-number/{number}")
    assert literal.status_code == 200 and literal.json()["phone_number"] == number
    encoded = raw_request(api, "GET", "/get-phone-number/%2B14155550188")
    assert encoded.json()["phone_number"] == number
    space = raw_request(api, "GET", "/get-phone-number/%2014155550188")  # "+" must not mean a space
    assert space.status_code == 422
    assert api.call("phone_number.update", number, nickname="x").nickname == "x"


def test_update_is_partial(api: Api) -> None:
    clock = api.emu.clock
    assert isinstance(clock, ManualClock)
    other = api.call("phone_number.create", phone_number="+14155550111").phone_number
    number = api.call(
        "phone_number.create",
        phone_number="+14155550122",
        nickname="Main",
        allowed_inbound_country_list=["US", "CA"],
        inbound_webhook_url="https://hooks.example/in",
    )
    clock.advance(1234)
    updated = api.call("phone_number.update", number.phone_number, fallback_number=other)
    assert (updated.nickname, updated.allowed_inbound_country_list, updated.fallback_number) == (
        "Main",
        ["US", "CA"],
        other,
    )
    assert updated.last_modification_timestamp == number.last_modification_timestamp + 1234
    assert api.call("phone_number.update", number.phone_number, fallback_number=None).fallback_number is None
    raw = raw_request(api, "GET", f"/get-phone-number/{number.phone_number}").json()
    assert "fallback_number" not in raw and raw["nickname"] == "Main"

    before = api.emu.dump()
    problems: list[tuple[dict[str, Any], str]] = [
        ({"codecs": ["PCMU"]}, "codecs only applies to imported (custom) numbers"),
        ({"termination_uri": TRUNK}, "termination_uri only applies to imported"),
        ({"allowed_outbound_country_list": ["USA"]}, "'USA' is not an ISO 3166-1 alpha-2 country code"),
        ({"fallback_number": number.phone_number}, "fallback_number cannot be the phone number itself"),
        ({"fallback_number": "555-0100"}, "is not an E.164 number"),
    ]
    for body, message in problems:
        with pytest.raises(retell.BadRequestError, match=re.escape(message)):
            api.call("phone_number.update", number.phone_number, **body)
    api.call("phone_number.update", other, fallback_number="+12125550100")
    before = api.emu.dump()
    with pytest.raises(retell.BadRequestError, match="nested forwarding"):
        api.call("phone_number.update", number.phone_number, fallback_number=other)
    assert api.emu.dump() == before


def test_list_paginates_in_both_orders(api: Api) -> None:
    created = [api.call("phone_number.create", area_code=212).phone_number for _ in range(5)]
    seen: list[str] = []
    key: str | None = None
    while True:
        extra = {"pagination_key": key} if key else {}
        page = api.call("phone_number.list", limit=2, sort_order="ascending", **extra)
        seen += [n.phone_number for n in page.items]
        if not page.has_more:
            assert page.pagination_key is None
            break
        key = page.pagination_key
    assert seen == created
    assert [n.phone_number for n in api.call("phone_number.list").items] == created[::-1]
    raw = raw_request(api, "GET", "/v2/list-phone-numbers?limit=1")
    assert json.loads(raw.text)["has_more"] is True


def test_unknown_numbers_are_422_and_delete_is_204(api: Api) -> None:
    number = api.call("phone_number.create").phone_number
    resp = raw_request(api, "DELETE", f"/delete-phone-number/{number}")
    assert (resp.status_code, resp.content) == (204, b"")
    for method, kwargs in (("retrieve", {}), ("update", {"nickname": "x"}), ("delete", {})):
        with pytest.raises(retell.UnprocessableEntityError, match="Cannot find requested asset"):
            api.call(f"phone_number.{method}", number, **kwargs)
    assert api.emu.dump().get("phone_number") is None
