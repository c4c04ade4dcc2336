"""An OpenAI-compatible chat-completions provider over ``httpx.AsyncClient`` (any local or hosted server).

Configuration comes from the arguments or the environment: ``OPENAI_BASE_URL`` (default
``https://api.openai.com/v1``), ``OPENAI_API_KEY`` (optional: local servers often need none) and
``RETELL_DSL_MODEL`` (the provider's model name). ``model_map`` (or ``RETELL_DSL_MODEL_MAP``,
written ``gpt-4.1=big-local,gpt-4.1-mini=small-local``) maps the Retell model an agent asks
for (``gpt-4.1``, ``gpt-4o-mini``…) to a provider model; a Retell name not in the map gets
the configured model, and with no configured model the Retell name itself is sent (right for
OpenAI itself).

Bounds: each attempt has ``timeout`` seconds (default 60), the whole call ``total_timeout``
(default 180) including waits; 429 (honouring ``retry-after``), 500/502/503/504, connection
errors and timeouts are retried up to ``max_attempts`` (default 3) with exponential backoff
(``backoff * 2**n``, at most ``max_backoff``); ``max_concurrency`` requests run at once per
provider. The API key is sent as a bearer token and never appears in a repr or an error.

>>> provider = OpenAICompatible(base_url="http://127.0.0.1:9/v1", api_key="sk-secret", model="local", environ={})
>>> provider
OpenAICompatible(base_url='http://127.0.0.1:9/v1', model='local', api_key='***')
>>> OpenAICompatible(model="local", model_map={"gpt-4.1": "big"}, environ={}).model_for("gpt-4.1")
'big'
"""

from __future__ import annotations

import asyncio
import email.utils
import os
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from retell_dsl.errors import ConfigurationError, InvalidArgument
from retell_dsl.sim.models.errors import ModelNotConfigured, ProviderFailed, ProviderUnavailable
from retell_dsl.sim.models.interface import ModelReply, ModelRequest
from retell_dsl.sim.models.openai_wire import decode_reply, encode_request, error_message

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "KEY_ENV",
    "MODEL_ENV",
    "MODEL_MAP_ENV",
    "RETRIED_STATUSES",
    "OpenAICompatible",
    "parse_model_map",
]

BASE_URL_ENV = "OPENAI_BASE_URL"
KEY_ENV = "OPENAI_API_KEY"
MODEL_ENV = "RETELL_DSL_MODEL"
MODEL_MAP_ENV = "RETELL_DSL_MODEL_MAP"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(slots=True)
class _LoopBound:
    """The client and semaphore of one event loop (asyncio objects must not cross loops)."""

    loop: asyncio.AbstractEventLoop
    client: httpx.AsyncClient
    semaphore: asyncio.Semaphore


class OpenAICompatible:
    """A :class:`~retell_dsl.sim.models.Model` that POSTs to ``<base_url>/chat/completions``.

    >>> OpenAICompatible(environ={"OPENAI_BASE_URL": "http://127.0.0.1:8080/v1/", "RETELL_DSL_MODEL": "qwen"})
    OpenAICompatible(base_url='http://127.0.0.1:8080/v1', model='qwen')
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        model: str | None = None,
        model_map: Mapping[str, str] | None = None,
        timeout: float = 60.0,
        total_timeout: float = 180.0,
        max_attempts: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        max_concurrency: int = 4,
        environ: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        if max_attempts < 1 or max_concurrency < 1:
            raise InvalidArgument("max_attempts and max_concurrency must be at least 1")
        if timeout <= 0 or total_timeout <= 0 or backoff < 0 or max_backoff < 0:
            raise InvalidArgument("timeouts must be positive and backoffs not negative")
        self.base_url = (base_url or env.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        if not self.base_url.startswith(("http://", "https://")):
            source = "base_url" if base_url else BASE_URL_ENV
            raise ConfigurationError(f"{source} must be an http:// or https:// URL, got {self.base_url!r}")
        self._api_key = api_key if api_key is not None else (env.get(KEY_ENV) or None)
        self.model = model or env.get(MODEL_ENV) or None
        self.model_map = dict(parse_model_map(env.get(MODEL_MAP_ENV, "")) if model_map is None else model_map)
        self.timeout = timeout
        self.total_timeout = total_timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_concurrency = max_concurrency
        self._own: _LoopBound | None = None
        self._ssl_context: ssl.SSLContext | None = None  # built once: it costs ~0.1 s, a new loop needs a new client
        self._given_client = http_client

    def __repr__(self) -> str:
        key = ", api_key='***'" if self._api_key else ""
        return f"OpenAICompatible(base_url={self.base_url!r}, model={self.model!r}{key})"

    def model_for(self, retell_model: str | None) -> str | None:
        """The provider model sent for the Retell model ``retell_model`` (``None``: nothing to send).

        >>> OpenAICompatible(environ={}).model_for("gpt-4.1-mini")
        'gpt-4.1-mini'
        """
        if retell_model is not None and retell_model in self.model_map:
            return self.model_map[retell_model]
        return self.model or retell_model

    def _bound(self) -> _LoopBound:
        loop = asyncio.get_running_loop()
        if self._own is None or self._own.loop is not loop:
            client = self._given_client
            if client is None:
                if self._ssl_context is None:
                    self._ssl_context = httpx.create_ssl_context()
                client = httpx.AsyncClient(timeout=httpx.Timeout(self.timeout), verify=self._ssl_context)
            self._own = _LoopBound(loop, client, asyncio.Semaphore(self.max_concurrency))
        return self._own

    async def aclose(self) -> None:
        """Close the HTTP client this provider opened (a client passed in stays the caller's)."""
        own, self._own = self._own, None
        if own is not None and self._given_client is None and own.loop is asyncio.get_running_loop():
            await own.client.aclose()

    async def __aenter__(self) -> OpenAICompatible:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    async def complete(self, request: ModelRequest) -> ModelReply:
        """POST the request, retrying within the bounds; raise a :class:`ModelError` when it cannot succeed."""
        where = request.context.where
        model = self.model_for(request.retell_model)
        if model is None:
            raise ModelNotConfigured(
                f"no model name for {self.base_url}: set {MODEL_ENV}, pass model=..., or give the agent a model",
                where=where,
            )
        body = encode_request(request, model)
        headers = {"content-type": "application/json"}
        if self._api_key:
            headers["authorization"] = f"Bearer {self._api_key}"
        bound = self._bound()
        deadline = time.monotonic() + self.total_timeout
        try:
            async with asyncio.timeout(self.total_timeout), bound.semaphore:
                return await self._attempts(bound.client, body, headers, request, deadline)
        except TimeoutError:
            raise ProviderUnavailable(
                f"{self.base_url} gave no usable reply within {self.total_timeout:g} s (model {model!r})", where=where
            ) from None

    async def _attempts(
        self,
        client: httpx.AsyncClient,
        body: dict[str, Any],
        headers: dict[str, str],
        request: ModelRequest,
        deadline: float,
    ) -> ModelReply:
        where = request.context.where
        url = f"{self.base_url}/chat/completions"
        for attempt in range(1, self.max_attempts + 1):
            last = attempt == self.max_attempts
            try:
                async with asyncio.timeout(self.timeout):
                    response = await client.post(url, json=body, headers=headers, timeout=self.timeout)
            except (httpx.TransportError, TimeoutError) as exc:
                problem = _transport_problem(exc, self.timeout)
                if last:
                    raise ProviderUnavailable(
                        f"{self.base_url}: {problem} (after {attempt} attempt(s))", where=where, attempts=attempt
                    ) from None
                await self._sleep(self._delay(attempt), deadline, where, problem, attempt=attempt)
                continue
            except httpx.HTTPError as exc:  # not a transport failure: redirects, undecodable bodies; not retried
                raise ProviderFailed(
                    f"{self.base_url}: {type(exc).__name__}: {self._scrub(str(exc))[:200]}",
                    where=where,
                    attempts=attempt,
                ) from None
            if response.status_code == 200:
                return decode_reply(response.content, request)
            detail = self._scrub(error_message(response.content))
            problem = f"HTTP {response.status_code} from {url}: {detail}"
            if response.status_code not in RETRIED_STATUSES or last:
                raise ProviderFailed(
                    f"{problem} (after {attempt} attempt(s))",
                    where=where,
                    status_code=response.status_code,
                    attempts=attempt,
                )
            delay = _retry_after(response) if response.status_code == 429 else None
            wait = self._delay(attempt) if delay is None else delay
            await self._sleep(wait, deadline, where, problem, attempt=attempt, status=response.status_code)
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def _delay(self, attempt: int) -> float:
        return float(min(self.backoff * 2 ** (attempt - 1), self.max_backoff))

    async def _sleep(
        self, delay: float, deadline: float, where: str, problem: str, *, attempt: int, status: int = 0
    ) -> None:
        if time.monotonic() + delay > deadline:
            detail = (
                f"{problem}; waiting {delay:g} s more would pass the {self.total_timeout:g} s bound"
                f" (after {attempt} attempt(s))"
            )
            if status:
                raise ProviderFailed(detail, where=where, status_code=status, attempts=attempt)
            raise ProviderUnavailable(f"{self.base_url}: {detail}", where=where, attempts=attempt)
        await asyncio.sleep(delay)


def parse_model_map(text: str) -> dict[str, str]:
    """Parse ``RETELL_DSL_MODEL_MAP``: comma-separated ``retell-name=provider-model`` pairs.

    >>> parse_model_map("gpt-4.1=big, gpt-4.1-mini = small")
    {'gpt-4.1': 'big', 'gpt-4.1-mini': 'small'}
    >>> parse_model_map("gpt-4.1")
    Traceback (most recent call last):
    ...
    retell_dsl.ConfigurationError: RETELL_DSL_MODEL_MAP: 'gpt-4.1' is not retell-name=provider-model
    """
    mapping: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        retell, sep, provider = (s.strip() for s in item.partition("="))
        if not sep or not retell or not provider:
            raise ConfigurationError(f"{MODEL_MAP_ENV}: {item!r} is not retell-name=provider-model")
        mapping[retell] = provider
    return mapping


def _transport_problem(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return f"no response within {timeout:g} s"
    return f"cannot connect ({type(exc).__name__})"


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from a ``retry-after`` header (seconds or an HTTP date), or ``None`` without one."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
