"""What conversations on live Retell need beyond the shared driver: the key check and web calls without audio.

:func:`check_access` makes one cheap request (``GET /get-concurrency``) so a refused key fails
at once, in one line naming the target and never the key. :func:`create_web_call` creates a web
call on a pinned agent version and reads the call object back: nobody joins it (joining needs a
headless WebRTC audio client, which retell-dsl does not have yet), so it stays ``registered``
until Retell expires it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from retell_dsl.conversations.result import CallResult
from retell_dsl.errors import ConfigurationError

if TYPE_CHECKING:
    from retell import Retell

__all__ = ["NO_AUDIO", "KeyRefused", "check_access", "create_web_call"]

#: Why a live web call cannot be held to its end here (a skip reason).
NO_AUDIO = (
    "a live web call needs a caller speaking over WebRTC, and retell-dsl has no headless audio client yet: "
    "the call can be created and read back (retell_web_call(deployed, agent) without caller=), or the "
    "conversation tested as a chat or a simulation test"
)


class KeyRefused(ConfigurationError):
    """The target refused the API key (401/403)."""


def check_access(client: Retell, where: str) -> None:
    """One request proving ``where`` answers and takes the key; raises a one-line error otherwise."""
    import retell

    try:
        client.with_options(max_retries=1).get("/get-concurrency", cast_to=object)
    except (retell.AuthenticationError, retell.PermissionDeniedError) as exc:
        raise KeyRefused(
            f"RETELL_API_KEY was refused by {where} ({exc.status_code}): check the key (it is read from the "
            "environment and never printed)"
        ) from None
    except retell.APIConnectionError as exc:
        raise ConfigurationError(f"cannot reach {where}: {exc} (is RETELL_BASE_URL right?)") from None
    except retell.APIStatusError as exc:
        raise ConfigurationError(f"{where} answered the key check with {exc.status_code}") from None


def create_web_call(
    client: Retell,
    agent_id: str,
    *,
    version: int | None = None,
    dynamic_variables: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> CallResult:
    """Create a web call on ``agent_id`` (``version``: pinned) and return the call as Retell has it."""
    options: dict[str, Any] = {"retell_llm_dynamic_variables": dict(dynamic_variables or {})}
    if version is not None:
        options["agent_version"] = version
    if metadata is not None:
        options["metadata"] = dict(metadata)
    call_id = client.call.create_web_call(agent_id=agent_id, **options).call_id
    return CallResult.from_call(client.call.retrieve(call_id))
