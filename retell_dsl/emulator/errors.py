"""API-shaped errors: every one becomes Retell's ``{"status": "error", "message": ...}`` body."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from retell_dsl.wire.schema import summarize_problems

__all__ = ["ApiError", "bad_request", "conflict", "not_found", "not_implemented"]

NOT_FOUND_MESSAGE = "Cannot find requested asset under given api key."

# Per the Retell OpenAPI spec: unknown ids are 422 for these kinds, 404 for the rest.
_UNPROCESSABLE_KINDS = frozenset(
    {"agent", "chat_agent", "llm", "call", "phone_number", "knowledge_base", "voice", "chat", "batch_call"}
)


class ApiError(Exception):
    """Raised anywhere in the emulator core; the router turns it into a response."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def bad_request(message: str, problems: Sequence[str] = ()) -> ApiError:
    """A 400 whose message lists the problems (the first 20, then how many more) so a client can fix them at once."""
    if problems:
        message = f"{message}: {summarize_problems(problems)}"
    return ApiError(400, message)


def conflict(message: str) -> ApiError:
    """A 409: the object changed under the request (``retell.ConflictError`` in the SDK); retrying is safe."""
    return ApiError(409, message)


def not_found(kind: str, ident: object) -> ApiError:
    status = 422 if kind in _UNPROCESSABLE_KINDS else 404
    label = kind.replace("_", " ")
    return ApiError(status, f"{NOT_FOUND_MESSAGE} ({label} {ident!s} not found)")


def not_implemented(method: str, path: str, why: str | None = None) -> ApiError:
    reason = f": {why}" if why else ""
    return ApiError(501, f"The Retell emulator does not implement {method} {path}{reason}.")
