"""The OpenAI chat-completions wire format: a :class:`ModelRequest` to a JSON body, a response body to a reply.

>>> from retell_dsl.sim.models.interface import Message, ModelRequest, ToolSchema
>>> request = ModelRequest(messages=(Message.user("hi"),), tools=(ToolSchema("end_call"),), tool_choice="end_call")
>>> body = encode_request(request, "local-model")
>>> body["model"], body["tool_choice"]
('local-model', {'type': 'function', 'function': {'name': 'end_call'}})
>>> raw = b'{"choices": [{"message": {"role": "assistant", "content": "Hello"}, "finish_reason": "stop"}]}'
>>> decode_reply(raw, ModelRequest(messages=(Message.user("hi"),))).text
'Hello'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.models.errors import InvalidModelReply
from retell_dsl.sim.models.interface import ModelReply, ModelRequest, ToolCall, Usage, validate_reply

__all__ = ["decode_reply", "encode_request", "error_message"]

_SHOWN = 200  # characters of a bad body quoted in an error


def encode_request(request: ModelRequest, model: str) -> dict[str, Any]:
    """The JSON body of ``POST /chat/completions``; ``tools`` and ``tool_choice`` only when tools are offered.

    >>> from retell_dsl.sim.models.interface import Message
    >>> encode_request(ModelRequest(messages=(Message.user("hi"),), temperature=0), "m")
    {'model': 'm', 'messages': [{'role': 'user', 'content': 'hi'}], 'temperature': 0}
    """
    body: dict[str, Any] = {"model": model, "messages": [m.to_openai() for m in request.messages]}
    if request.temperature is not None:
        body["temperature"] = request.temperature
    choice = request.tool_choice
    if request.tools:
        body["tools"] = [t.to_openai() for t in request.tools]
        if choice in ("auto", "required", "none"):
            body["tool_choice"] = choice
        elif request.tool(choice) is not None:
            body["tool_choice"] = {"type": "function", "function": {"name": choice}}
        else:
            raise InvalidArgument(f"tool_choice {choice!r} is not one of the offered tools {list(request.tool_names)}")
    elif choice not in ("auto", "none"):
        raise InvalidArgument(f"tool_choice {choice!r} needs tools, and the request offers none")
    return body


def _shown(text: str) -> str:
    return repr(text[:_SHOWN] + ("…" if len(text) > _SHOWN else ""))


def _tool_call(item: object, index: int, where: str) -> ToolCall:
    function = item.get("function") if isinstance(item, Mapping) else None
    name = function.get("name") if isinstance(function, Mapping) else None
    if not isinstance(item, Mapping) or not isinstance(function, Mapping) or not isinstance(name, str) or not name:
        raise InvalidModelReply(f"tool call #{index + 1} has no function name: {_shown(json.dumps(item))}", where=where)
    raw = function.get("arguments", "{}")
    if isinstance(raw, Mapping):  # some servers send the object itself
        arguments: object = dict(raw)
        raw = json.dumps(raw)
    elif isinstance(raw, str):
        try:
            arguments = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise InvalidModelReply(
                f"the arguments of the tool call {name!r} are not valid JSON: {_shown(raw)}", where=where
            ) from None
    else:
        raise InvalidModelReply(f"the arguments of the tool call {name!r} are not a string: {raw!r}", where=where)
    if not isinstance(arguments, dict):
        raise InvalidModelReply(
            f"the arguments of the tool call {name!r} are not a JSON object: {_shown(raw)}", where=where
        )
    call_id = item.get("id")
    return ToolCall(
        id=call_id if isinstance(call_id, str) and call_id else f"call_{index}",
        name=name,
        arguments=arguments,
        raw_arguments=raw,
    )


def _usage(value: object) -> Usage:
    if not isinstance(value, Mapping):
        return Usage()
    numbers = {k: value.get(k) for k in ("prompt_tokens", "completion_tokens", "total_tokens")}
    return Usage(**{k: v if isinstance(v, int) and not isinstance(v, bool) else 0 for k, v in numbers.items()})


def decode_reply(raw: bytes, request: ModelRequest) -> ModelReply:
    """Parse a chat-completions response body and check it against ``request`` (see :func:`validate_reply`).

    >>> decode_reply(b"<html>Bad gateway</html>", ModelRequest(messages=()))
    Traceback (most recent call last):
    ...
    retell_dsl.sim.models.errors.InvalidModelReply: the response engine: the provider's response is not JSON: '<html>...
    """
    where = request.context.where
    text = raw.decode("utf-8", errors="replace")
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidModelReply(f"the provider's response is not JSON: {_shown(text)}", where=where) from None
    choices = body.get("choices") if isinstance(body, Mapping) else None
    if not isinstance(choices, list) or not choices:
        raise InvalidModelReply(f"the provider's response has no choices: {_shown(text)}", where=where)
    first = choices[0]
    message = first.get("message") if isinstance(first, Mapping) else None
    if not isinstance(message, Mapping):
        raise InvalidModelReply(f"the provider's first choice has no message: {_shown(text)}", where=where)
    content = message.get("content")
    if content is not None and not isinstance(content, str):
        raise InvalidModelReply(f"the message content is not a string: {_shown(json.dumps(content))}", where=where)
    raw_calls = message.get("tool_calls") or []
    if not isinstance(raw_calls, list):
        raise InvalidModelReply(f"tool_calls is not a list: {_shown(json.dumps(raw_calls))}", where=where)
    calls = tuple(_tool_call(item, i, where) for i, item in enumerate(raw_calls))
    finish = first.get("finish_reason") if isinstance(first, Mapping) else None
    model = body.get("model")
    reply = ModelReply(
        text=content,
        tool_calls=calls,
        finish_reason=finish if isinstance(finish, str) else "stop",
        usage=_usage(body.get("usage")),
        model=model if isinstance(model, str) else "",
    )
    return validate_reply(request, reply)


def error_message(raw: bytes) -> str:
    """The ``error.message`` of an OpenAI-style error body, else the body's start.

    >>> error_message(b'{"error": {"message": "model not found", "type": "invalid_request_error"}}')
    'model not found'
    """
    text = raw.decode("utf-8", errors="replace")
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        return text[:_SHOWN]
    error = body.get("error") if isinstance(body, Mapping) else None
    if isinstance(error, Mapping) and isinstance(error.get("message"), str):
        return str(error["message"])[:_SHOWN]
    if isinstance(error, str):
        return error[:_SHOWN]
    return text[:_SHOWN]
