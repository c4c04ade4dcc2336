"""Property: hostile JSON and query values at every route are refused like Retell, never with a 5xx.

The classes of input that used to crash the emulator (HTTP 500): arrays and objects nested
thousands deep (``RecursionError``), lone UTF-16 surrogates such as ``"\\ud800"`` in keys or
values (``UnicodeEncodeError`` from SQLite), integers beyond what SQLite holds in a body or in
``?version=`` (``OverflowError``), and ``NaN``/``Infinity`` (stored, then served as non-standard
JSON). Each is generated at any depth and sent to every route of the router, in process and
over real HTTP: the answer is a Retell-shaped 4xx (or the loud 501 of an unemulated endpoint)
and nothing stored changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retell_dsl.emulator import Emulator, EmuRequest, ManualClock
from retell_dsl.emulator.body import MAX_DEPTH, MAX_SAFE_INTEGER, loads_strict
from retell_dsl.emulator.errors import ApiError
from retell_dsl.emulator.serve import ServedEmulator, serve_in_thread


def _seed(emu: Emulator) -> dict[str, str]:
    """One object of each main kind, so path ids reach real objects (and handlers past their lookups)."""
    c = emu.client()
    llm = c.llm.create(general_prompt="p")
    agent = c.agent.create(response_engine={"type": "retell-llm", "llm_id": llm.llm_id}, voice_id="11labs-Adrian")
    flow = c.conversation_flow.create(
        start_speaker="agent", nodes=[{"id": "end", "type": "end", "instruction": {"type": "static_text", "text": "x"}}]
    )
    return {"llm_id": llm.llm_id, "agent_id": agent.agent_id, "conversation_flow_id": flow.conversation_flow_id}


EMU = Emulator(clock=ManualClock())
IDS = _seed(EMU)
ROUTES = sorted({(r.method, r.template) for r in EMU.router.routes})
WRITES = ("POST", "PATCH", "PUT")
FIELDS = ["response_engine", "voice_id", "nodes", "version", "agent_id", "limit", "tasks", "metadata",
          "filter_criteria", "general_tools", "base_version", "agent_version", "start_speaker", "phone_number",
          "retell_llm_dynamic_variables", "agent_override", "model_temperature", "weight"]  # fmt: skip

# --------------------------------------------------------------------------- generators

field_names = st.sampled_from(FIELDS) | st.text(max_size=12)
lone_surrogates = st.characters(categories=["Cs"])
surrogate_texts = st.builds(lambda a, s, b: a + s + b, st.text(max_size=8), lone_surrogates, st.text(max_size=8))
#: Integer literals outside ±(2**53 - 1): just past the edge, 20 digits, and thousands of digits.
huge_integers = (
    st.integers(MAX_SAFE_INTEGER + 1, 10**30).map(str)
    | st.integers(-(10**30), -MAX_SAFE_INTEGER - 1).map(str)
    | st.builds(
        lambda sign, first, rest: sign + first + rest,
        st.sampled_from(["", "-"]),
        st.sampled_from("123456789"),
        st.text("0123456789", min_size=19, max_size=6000),
    )
)
#: What Python's json accepts but JavaScript's JSON.parse does not, or what decodes to a non-finite float.
non_finite = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1E999", "9007199254740993.0", "1.5e300"])
hostile_leaves = huge_integers | non_finite | surrogate_texts.map(json.dumps)
valid_leaves = st.sampled_from(["1", '"x"', "true", "null", "[]", "{}", "2.5"])
steps = st.lists(field_names | st.integers(0, 3), max_size=6)


def _embed(leaf: str, path: list[str | int]) -> str:
    """``leaf`` (JSON text) placed at ``path`` (keys and array positions) inside objects and arrays."""
    text = leaf
    for step in reversed(path):
        if isinstance(step, int):
            text = "[" + "0," * step + text + "]"
        else:
            text = "{" + json.dumps(step) + ":" + text + "}"
    return text


def _deep(depth: int, kind: str, closed: bool) -> str:
    opener = {"array": "[", "object": '{"a":', "mixed": '[{"a":'}[kind]
    closer = {"array": "]", "object": "}", "mixed": "}]"}[kind]
    count = depth if kind != "mixed" else depth // 2 + 1
    return opener * count + "1" + (closer * count if closed else "")


#: A hostile value at any depth under a real-looking field.
hostile_values = st.builds(lambda f, p, leaf: _embed(leaf, [f, *p]), st.sampled_from(FIELDS), steps, hostile_leaves)
#: A lone surrogate in a key at any depth (the value itself is fine).
surrogate_keys = st.builds(
    lambda pre, key, post, leaf: _embed(leaf, [*pre, key, *post]), steps, surrogate_texts, steps, valid_leaves
)
#: Nesting past the limit, up to a million levels, closed or not, under a field or at the top.
deep_documents = st.builds(
    lambda depth, kind, closed, field: _embed(_deep(depth, kind, closed), [field] if field else []),
    st.integers(MAX_DEPTH + 1, 1_000_000) | st.sampled_from([MAX_DEPTH + 1, 10_000]),
    st.sampled_from(["array", "object", "mixed"]),
    st.booleans(),
    st.sampled_from([None, *FIELDS]),
)
hostile_bodies = (hostile_values | surrogate_keys | deep_documents).map(str.encode)
#: Numbers where the emulator reads integers from the query string (and path values).
hostile_numbers = huge_integers | non_finite
query_names = st.sampled_from(["version", "limit", "skip", "pagination_key", "base_version"])
hostile_queries = st.dictionaries(query_names, hostile_numbers, min_size=1, max_size=3)

# --------------------------------------------------------------------------- checks


def _path(template: str, value: str | None = None) -> str:
    def fill(m: re.Match[str]) -> str:
        name = m.group(0)[1:-1]
        return value if value is not None else IDS.get(name, IDS["agent_id"])

    return re.sub(r"\{[a-z_]+\}", fill, template)


def _assert_refused(method: str, status: int, body: bytes) -> None:
    """A Retell-shaped answer, never a 5xx except the 501 of an unemulated endpoint; writes are refused."""
    assert status < 500 or status == 501, (status, body[:300])
    assert b"Traceback" not in body
    if method in WRITES:
        assert 400 <= status < 500 or status == 501, (status, body[:300])
    if status >= 400:
        payload = json.loads(body)
        assert payload["status"] == "error"
        assert isinstance(payload["message"], str) and payload["message"]
        assert len(payload["message"]) < 5000, len(payload["message"])


def _body_route(method: str, template: str) -> tuple[str, str]:
    # A DELETE ignores its body and would delete the seeded objects: send it to an id that is not there.
    return method, _path(template, "missing" if method == "DELETE" else None)


def _headers(key: str, content_type: str = "application/json") -> dict[str, str]:
    return {"authorization": f"Bearer {key}", "content-type": content_type}


# --------------------------------------------------------------------------- in process


@pytest.mark.parametrize(("method", "template"), ROUTES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=hostile_bodies)
def test_hostile_json_at_every_route_is_refused_and_changes_nothing(method: str, template: str, body: bytes) -> None:
    method, path = _body_route(method, template)
    before = EMU.dump()
    resp = EMU.handle(EmuRequest.build(method, path, "", _headers(EMU.api_key), body))
    _assert_refused(method, resp.status, resp.body)
    assert EMU.dump() == before, f"{method} {template} changed state while answering {resp.status}"


@pytest.mark.parametrize(("method", "template"), ROUTES)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=hostile_queries, path_number=st.none() | hostile_numbers)
def test_hostile_numbers_in_query_and_path_are_answered_cleanly(
    method: str, template: str, query: dict[str, str], path_number: str | None
) -> None:
    if method == "DELETE" and path_number is None:
        path_number = "missing"
    before = EMU.dump()
    req = EmuRequest.build(method, _path(template, path_number), urlencode(query), _headers(EMU.api_key), b"")
    resp = EMU.handle(req)
    assert resp.status < 500 or resp.status == 501, (resp.status, resp.body[:300])
    if resp.status >= 400:
        _assert_refused(method, resp.status, resp.body)
        assert EMU.dump() == before


# --------------------------------------------------------------------------- over HTTP

HTTP_EMU = Emulator(clock=ManualClock())
assert _seed(HTTP_EMU) == IDS  # ids are deterministic, so the same paths reach real objects


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    served: ServedEmulator = serve_in_thread(HTTP_EMU)
    try:
        with httpx.Client(base_url=served.base_url, timeout=30) as client:
            yield client
    finally:
        served.stop()


@pytest.mark.parametrize(("method", "template"), ROUTES)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=hostile_bodies, query=st.none() | hostile_queries)
def test_hostile_input_over_http_is_refused_and_changes_nothing(
    http: httpx.Client, method: str, template: str, body: bytes, query: dict[str, str] | None
) -> None:
    method, path = _body_route(method, template)
    before = HTTP_EMU.dump()
    resp = http.request(method, path, params=query, content=body, headers=_headers(HTTP_EMU.api_key))
    _assert_refused(method, resp.status_code, resp.content)
    assert HTTP_EMU.dump() == before


# --------------------------------------------------------------------------- the reported cases


def _send(method: str, path: str, body: bytes, query: str = "") -> tuple[int, dict[str, str]]:
    before = EMU.dump()
    resp = EMU.handle(EmuRequest.build(method, path, query, _headers(EMU.api_key), body))
    assert EMU.dump() == before
    return resp.status, resp.json()


@pytest.mark.parametrize("depth", [10_000, 1_000_000])
def test_json_nested_ten_thousand_deep_is_a_400_naming_the_limit(depth: int) -> None:
    status, payload = _send(
        "POST", "/create-retell-llm", b'{"general_prompt":"p","metadata":' + b"[" * depth + b"]" * depth + b"}"
    )
    assert status == 400
    assert payload["status"] == "error"
    assert f"at most {MAX_DEPTH} levels" in payload["message"]


def test_nesting_up_to_the_limit_is_decoded_and_one_more_level_is_not() -> None:
    assert loads_strict(_deep(MAX_DEPTH, "array", True)) == json.loads(_deep(MAX_DEPTH, "array", True))
    assert loads_strict('{"a":"[[[[' + "[" * 100 + '"}') == {"a": "[[[[" + "[" * 100}  # brackets in strings
    with pytest.raises(ApiError, match=f"nest {MAX_DEPTH + 1} deep"):
        loads_strict(_deep(MAX_DEPTH + 1, "array", True))


def _send_ok(method: str, path: str, body: bytes) -> tuple[int, object]:
    resp = EMU.handle(EmuRequest.build(method, path, "", _headers(EMU.api_key), body))
    return resp.status, resp.json()


@pytest.mark.parametrize(
    "body",
    [
        b'{"general_prompt":"\\ud800"}',
        b'{"general_prompt":"ok","begin_message":"a\\udfffb"}',
        b'{"general_prompt":"ok","default_dynamic_variables":{"\\ud800":"x"}}',
        b'{"general_prompt":"ok","general_tools":[{"type":"end_call","name":"e","description":"\\udc00\\ud800"}]}',
    ],
)
def test_lone_surrogates_anywhere_are_a_400_naming_the_place(body: bytes) -> None:
    status, payload = _send("POST", "/create-retell-llm", body)
    assert status == 400
    assert "lone UTF-16 surrogate" in payload["message"]


def test_a_surrogate_pair_is_one_character_and_accepted() -> None:
    status, payload = _send_ok("POST", "/create-retell-llm", b'{"general_prompt":"smile \\ud83d\\ude00"}')
    assert status == 201
    assert isinstance(payload, dict) and payload["general_prompt"] == "smile \U0001f600"


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/get-retell-llm/{llm_id}", "version=99999999999999999999"),
        ("/get-retell-llm/{llm_id}", "version=-99999999999999999999"),
        ("/get-conversation-flow/{conversation_flow_id}", "version=99999999999999999999"),
        ("/v2/list-retell-llms", "limit=1" + "0" * 5000),
    ],
    ids=["20-digit-version", "negative-version", "flow-version", "5000-digit-limit"],
)
def test_a_huge_integer_in_the_query_is_a_400(path: str, query: str) -> None:
    status, payload = _send("GET", path.format(**IDS), b"", query)
    assert status == 400, payload
    assert payload["status"] == "error" and "Query parameter" in payload["message"]


def test_a_huge_integer_in_a_body_is_a_400_naming_the_field() -> None:
    status, payload = _send("POST", f"/publish-agent-version/{IDS['agent_id']}", b'{"version":99999999999999999999}')
    assert status == 400
    assert "version: number 99999999999999999999 is outside the safe range" in payload["message"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_are_a_400_and_never_stored(constant: str) -> None:
    body = f'{{"general_prompt":"p","model_temperature":{constant}}}'.encode()
    status, payload = _send("POST", "/create-retell-llm", body)
    assert status == 400
    assert "model_temperature: " in payload["message"]
    listed = EMU.handle(EmuRequest.build("GET", "/v2/list-retell-llms", "", _headers(EMU.api_key), b""))
    assert b"NaN" not in listed.body and b"Infinity" not in listed.body


def _kb_form(texts: bytes) -> bytes:
    parts = [(b"knowledge_base_name", b"kb"), (b"knowledge_base_texts", texts)]
    body = b"".join(b'--b\r\nContent-Disposition: form-data; name="' + n + b'"\r\n\r\n' + v + b"\r\n" for n, v in parts)
    return body + b"--b--\r\n"


@pytest.mark.parametrize(
    "part",
    [
        b'[{"title":"t","text":"\\ud800"}]',
        b'[{"title":"t","text":' + b"[" * 10_000 + b"]" * 10_000 + b"}]",
        b'[{"title":"t","text":"x","n":NaN}]',
    ],
    ids=["surrogate", "deep", "nan"],
)
def test_hostile_json_in_a_multipart_part_is_a_400(part: bytes) -> None:
    body = _kb_form(part)
    headers = _headers(EMU.api_key, "multipart/form-data; boundary=b")
    before = EMU.dump()
    resp = EMU.handle(EmuRequest.build("POST", "/create-knowledge-base", "", headers, body))
    assert resp.status == 400, resp.body
    assert b"knowledge_base_texts must be a JSON array" in resp.body
    assert EMU.dump() == before
