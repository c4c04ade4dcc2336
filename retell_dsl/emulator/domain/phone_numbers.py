"""Phone numbers: purchase, import, update, delete (retell-api.md §1.6, §8, §12.9).

The E.164 number is the id and travels literally (with its ``+``) in paths. Purchased
numbers are valid, unique NANP numbers drawn from the emulator's deterministic random
source; imported numbers are ``custom`` and carry a SIP trunk config whose password is
write-only (kept in the private ``_sip_auth_password`` key, never returned).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from retell_dsl.emulator.domain.checks import check_weights
from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.state import State
from retell_dsl.emulator.store import Document
from retell_dsl.wire.names import E164

__all__ = [
    "CA_AREA_CODES",
    "ISO_COUNTRIES",
    "KIND",
    "NANP",
    "TOLL_FREE_AREA_CODES",
    "delete_number",
    "import_number",
    "pretty_number",
    "purchase_number",
    "update_number",
]

KIND = "phone_number"
#: A valid North American number: +1, area code NXX (not N11), exchange NXX, four digits.
NANP = re.compile(r"^\+1([2-9](?!11)\d{2})([2-9]\d{2})(\d{4})$")
TOLL_FREE_AREA_CODES = (800, 833, 844, 855, 866, 877, 888)
CA_AREA_CODES = frozenset(
    {
        204,
        226,
        236,
        249,
        250,
        263,
        289,
        306,
        343,
        354,
        365,
        367,
        368,
        382,
        403,
        416,
        418,
        428,
        431,
        437,
        438,
        450,
        468,
        474,
        506,
        514,
        519,
        548,
        579,
        581,
        584,
        587,
        604,
        613,
        639,
        647,
        672,
        683,
        705,
        709,
        742,
        753,
        778,
        780,
        782,
        807,
        819,
        825,
        867,
        873,
        879,
        902,
        905,
    }
)
_POPULAR = {
    "US": (415, 628, 650, 408, 510, 213, 310, 323, 212, 646, 718, 917, 312, 773, 617, 206, 512, 303, 404, 305),
    "CA": (416, 647, 437, 604, 778, 514, 438, 403, 587, 613),
}
_ISO_ALPHA2 = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW
    BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK
    FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS
    IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM
    MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS
    PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK
    TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"""
#: ISO 3166-1 alpha-2 country codes (what the allowed_*_country_list fields take).
ISO_COUNTRIES = frozenset(_ISO_ALPHA2.split())
_BINDINGS = {
    "inbound_agents": "voice",
    "outbound_agents": "voice",
    "inbound_sms_agents": "chat",
    "outbound_sms_agents": "chat",
}
_TRANSPORTS = ("TLS", "TCP", "UDP")
_CUSTOM_ONLY = ("termination_uri", "auth_username", "auth_password", "codecs")
_PURCHASE_ONLY = ("phone_number", "area_code", "country_code", "number_provider", "toll_free")
_IMPORT_ONLY = ("phone_number", "ignore_e164_validation", "sip_trunk_auth_username", "sip_trunk_auth_password")


def pretty_number(number: str) -> str | None:
    """``+14155550123`` → ``+1 (415) 555-0123``; ``None`` for numbers outside North America."""
    m = NANP.match(number)
    return f"+1 ({m[1]}) {m[2]}-{m[3]}" if m else None


# --------------------------------------------------------------------------- checks


def _check_bindings(state: State, field: str, bindings: object) -> list[str]:
    """Weighted bindings: agents of the right channel, versions that exist, weights summing to 1."""
    if not isinstance(bindings, list):
        return []
    problems: list[str] = []
    plain: list[dict[str, Any]] = []
    for i, item in enumerate(bindings):
        agent = state.store.get("agent", str(item["agent_id"]))
        if agent is not None and agent.get("_channel", "voice") != _BINDINGS[field]:
            problems.append(
                f"{field}[{i}].agent_id {item['agent_id']} is a {agent.get('_channel')} agent; "
                f"{field} takes {_BINDINGS[field]} agents"
            )
        version = item.get("agent_version")
        if isinstance(version, str) and not version.isdigit():
            # A tag, "latest" or "latest_published": resolved when a call starts.
            published = [v for v in state.store.versions("agent", str(item["agent_id"])) if v.get("_published")]
            if version == "latest_published" and agent is not None and not published:
                problems.append(
                    f"{field}[{i}].agent_version 'latest_published': agent {item['agent_id']} has no published version"
                )
            item = {k: v for k, v in item.items() if k != "agent_version"}
        plain.append(item)
    return problems + check_weights(field, plain, state)


def _check_common(state: State, body: Mapping[str, Any], number: str | None) -> list[str]:
    problems: list[str] = []
    for field in _BINDINGS:
        problems += _check_bindings(state, field, body.get(field))
    for field in ("allowed_inbound_country_list", "allowed_outbound_country_list"):
        for i, code in enumerate(body.get(field) or []):
            if code not in ISO_COUNTRIES:
                problems.append(f"{field}[{i}] {code!r} is not an ISO 3166-1 alpha-2 country code (e.g. 'US')")
    fallback = body.get("fallback_number")
    if fallback is not None:
        target = state.store.get(KIND, fallback)
        if not E164.match(fallback):
            problems.append(f"fallback_number {fallback!r} is not an E.164 number (e.g. +14155550123)")
        elif fallback == number:
            problems.append("fallback_number cannot be the phone number itself")
        elif target is not None and target.get("fallback_number"):
            problems.append(f"fallback_number {fallback} has its own fallback number (nested forwarding)")
    transport = body.get("transport")
    if transport is not None and transport.upper() not in _TRANSPORTS:
        problems.append(f"transport must be one of TLS, TCP, UDP, got {transport[:20]!r}")
    for i, codec in enumerate(body.get("codecs") or []):
        if not codec.strip():
            problems.append(f"codecs[{i}] must not be empty")
    uri = body.get("termination_uri")
    if uri is not None and (not uri.strip() or len(uri) > 255 or any(c.isspace() for c in uri)):
        problems.append(f"termination_uri {uri[:60]!r} is not a SIP address (e.g. example.pstn.twilio.com)")
    return problems


def _fail(problems: list[str]) -> None:
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)


def _apply(doc: Document, body: Mapping[str, Any], skip: tuple[str, ...]) -> None:
    """Copy optional fields: ``null`` removes a field, trunk settings go to ``sip_outbound_trunk_config``."""
    trunk: dict[str, Any] = dict(doc.get("sip_outbound_trunk_config") or {})
    for key, value in body.items():
        if key in skip:
            continue
        if key == "auth_password":
            doc["_sip_auth_password"] = value
        elif key in ("termination_uri", "auth_username", "codecs", "transport"):
            if value is None:
                trunk.pop(key, None)
            else:
                trunk[key] = value.upper() if key == "transport" else value
        elif value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    if trunk:
        doc["sip_outbound_trunk_config"] = trunk
    else:
        doc.pop("sip_outbound_trunk_config", None)


def _new_doc(state: State, number: str, number_type: str) -> Document:
    doc: Document = {"phone_number": number, "phone_number_type": number_type}
    pretty = pretty_number(number)
    if pretty is not None:
        doc["phone_number_pretty"] = pretty
        doc["area_code"] = int(number[2:5])
    doc["last_modification_timestamp"] = state.now()
    return doc


# --------------------------------------------------------------------------- purchase


def _area_problems(area: int, country: str, toll_free: bool) -> list[str]:
    if toll_free:
        if area not in TOLL_FREE_AREA_CODES:
            codes = ", ".join(map(str, TOLL_FREE_AREA_CODES))
            return [f"area_code {area} is not a toll-free area code ({codes})"]
        return []
    if not (200 <= area <= 999 and area % 100 != 11):
        return [f"area_code must be a 3-digit North American area code, got {area}"]
    if area in TOLL_FREE_AREA_CODES:
        return [f"area_code {area} is toll-free; pass toll_free=true to buy a toll-free number"]
    if (area in CA_AREA_CODES) != (country == "CA"):
        return [f"area_code {area} is not in country_code {country}"]
    return []


def _pick_number(state: State, area: int | None, country: str, toll_free: bool) -> str:
    rng = state.rng("phone_number")
    codes = TOLL_FREE_AREA_CODES if toll_free else _POPULAR[country]
    for _ in range(200):
        npa = area if area is not None else rng.choice(codes)
        exchange = rng.randrange(200, 1000)
        if exchange % 100 == 11:
            continue
        number = f"+1{npa}{exchange}{rng.randrange(10_000):04d}"
        if state.store.get(KIND, number) is None:
            return number
    raise bad_request(f"No phone numbers are available in area code {area}; try another area code")


def purchase_number(state: State, body: Mapping[str, Any]) -> Document:
    """Buy a number: the one asked for, or a free one in the area code (or a popular one)."""
    country = body.get("country_code", "US")
    toll_free = bool(body.get("toll_free", False))
    area = None if body.get("area_code") is None else int(body["area_code"])
    number = body.get("phone_number")
    problems = [] if area is None else _area_problems(area, country, toll_free)
    if number is not None:
        m = NANP.match(number)
        if m is None:
            problems.append(f"phone_number {number!r} is not a North American E.164 number (e.g. +14155550123)")
        elif state.store.get(KIND, number) is not None:
            problems.append(f"phone_number {number} is already in use")
        elif area is not None and int(m[1]) != area:
            problems.append(f"phone_number {number} is not in area_code {area}")
        elif area is None:
            problems += _area_problems(int(m[1]), country, toll_free)
    problems += _check_common(state, body, number)
    _fail(problems)
    if number is None:
        number = _pick_number(state, area, country, toll_free)
    provider = body.get("number_provider", "twilio")
    doc = _new_doc(state, number, f"retell-{provider}")
    _apply(doc, body, skip=_PURCHASE_ONLY)
    state.store.put(KIND, number, doc)
    return doc


# --------------------------------------------------------------------------- import and the rest


def import_number(state: State, body: Mapping[str, Any]) -> Document:
    """Import a number from the caller's own SIP trunk (``custom``)."""
    number = body["phone_number"]
    problems = []
    if not number or len(number) > 64 or any(c.isspace() or c in "/?#%\\" for c in number):
        problems.append(f"phone_number {number[:64]!r} cannot be used as a phone number id")
    elif not body.get("ignore_e164_validation", True) and not E164.match(number):
        problems.append(f"phone_number {number!r} is not an E.164 number (or pass ignore_e164_validation=true)")
    elif state.store.get(KIND, number) is not None:
        problems.append(f"phone_number {number} is already in use")
    problems += _check_common(state, body, number)
    _fail(problems)
    doc = _new_doc(state, number, "custom")
    fields = {**body, "transport": body.get("transport") or "TCP"}
    for given, stored in (("sip_trunk_auth_username", "auth_username"), ("sip_trunk_auth_password", "auth_password")):
        if given in body:
            fields[stored] = body[given]
    _apply(doc, fields, skip=_IMPORT_ONLY)
    state.store.put(KIND, number, doc)
    return doc


def update_number(state: State, number: str, body: Mapping[str, Any]) -> Document:
    """Update bindings, lists and (for imported numbers) the SIP trunk; ``null`` removes a field."""
    doc = state.require(KIND, number)
    problems = _check_common(state, body, number)
    if doc["phone_number_type"] != "custom":
        problems += [f"{key} only applies to imported (custom) numbers" for key in _CUSTOM_ONLY if key in body]
    _fail(problems)
    _apply(doc, body, skip=())
    if doc["phone_number_type"] == "custom":
        doc.setdefault("sip_outbound_trunk_config", {}).setdefault("transport", "TCP")
    doc["last_modification_timestamp"] = state.now()
    state.store.put(KIND, number, doc)
    return doc


def delete_number(state: State, number: str) -> None:
    """Release a number."""
    state.require(KIND, number)
    state.store.delete(KIND, number)
