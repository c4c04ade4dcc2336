"""The errors a model raises, each carrying the Retell disconnection reason the engine ends with.

A model error ends the conversation: the engine appends an error event and sets the call's
``disconnection_reason`` (a chat's ``chat_status`` becomes ``error``) from
:attr:`ModelError.disconnection_reason`. Retell's custom-LLM reasons (retell-runtime.md §2) fit
the four ways a model fails, so they are reused with this meaning:

=========================================  ======================================================
``error_llm_websocket_open``               no model is configured where one is needed
                                           (:class:`ModelNotConfigured`): the engine could not
                                           even reach a model
``error_llm_websocket_lost_connection``    the provider could not be reached or did not answer in
                                           time, after every retry (:class:`ProviderUnavailable`)
``error_llm_websocket_runtime``            the provider answered with an HTTP error, or a scripted
                                           model has no rule for the request
                                           (:class:`ProviderFailed`, :class:`ScriptMismatch`)
``error_llm_websocket_corrupt_payload``    the reply cannot be used: not JSON, no choices, tool
                                           arguments that are not a JSON object, a tool that was
                                           not offered (:class:`InvalidModelReply`)
=========================================  ======================================================

>>> err = InvalidModelReply("the reply has no choices", where="node 'greet'")
>>> err.disconnection_reason, str(err)
('error_llm_websocket_corrupt_payload', "node 'greet': the reply has no choices")
>>> issubclass(ModelNotConfigured, ValueError), issubclass(ScriptMismatch, AssertionError)
(True, True)
"""

from __future__ import annotations

from typing import ClassVar

from retell_dsl.errors import ConfigurationError, RetellDSLError

__all__ = [
    "InvalidModelReply",
    "ModelError",
    "ModelNotConfigured",
    "ProviderFailed",
    "ProviderUnavailable",
    "ScriptMismatch",
]


class ModelError(RetellDSLError):
    """A model could not produce a usable reply; the conversation ends with :attr:`disconnection_reason`.

    ``where`` names the node or state the engine was in (from the request's context), ``detail``
    is the message without it.

    >>> ModelError("boom", where="state 'intro'").where
    "state 'intro'"
    """

    disconnection_reason: ClassVar[str] = "error_llm_websocket_runtime"

    def __init__(self, detail: str, *, where: str = "") -> None:
        self.detail = detail
        self.where = where
        super().__init__(f"{where}: {detail}" if where else detail)


class ModelNotConfigured(ModelError, ConfigurationError):
    """A model is needed and none is configured (raised by :class:`~retell_dsl.sim.models.NoModel`).

    >>> ModelNotConfigured("no model", where="node 'greet'").disconnection_reason
    'error_llm_websocket_open'
    """

    disconnection_reason: ClassVar[str] = "error_llm_websocket_open"


class ProviderUnavailable(ModelError):
    """The provider could not be reached or timed out, after every retry.

    >>> ProviderUnavailable("timed out after 3 attempts").disconnection_reason
    'error_llm_websocket_lost_connection'
    """

    disconnection_reason: ClassVar[str] = "error_llm_websocket_lost_connection"

    def __init__(self, detail: str, *, where: str = "", attempts: int = 0) -> None:
        self.attempts = attempts
        super().__init__(detail, where=where)


class ProviderFailed(ModelError):
    """The provider answered with an HTTP error (a 4xx, or a 429/5xx that outlived the retries).

    >>> ProviderFailed("HTTP 401", status_code=401, attempts=1).status_code
    401
    """

    disconnection_reason: ClassVar[str] = "error_llm_websocket_runtime"

    def __init__(self, detail: str, *, where: str = "", status_code: int = 0, attempts: int = 0) -> None:
        self.status_code = status_code
        self.attempts = attempts
        super().__init__(detail, where=where)


class InvalidModelReply(ModelError):
    """The model answered, but the reply cannot be used (garbage, no choices, bad tool calls).

    >>> InvalidModelReply("arguments are not JSON").disconnection_reason
    'error_llm_websocket_corrupt_payload'
    """

    disconnection_reason: ClassVar[str] = "error_llm_websocket_corrupt_payload"


class ScriptMismatch(ModelError, AssertionError):
    """A :class:`~retell_dsl.sim.models.ScriptedModel` has no rule for a request (a test-authoring error).

    >>> ScriptMismatch("no rule matched").disconnection_reason
    'error_llm_websocket_runtime'
    """
