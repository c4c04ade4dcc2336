"""The error tree of retell-dsl.

Every error the library raises on purpose derives from :class:`RetellDSLError`.
Errors caused by a user's misuse also subclass the matching builtin, so
``except ValueError`` keeps working for people who do not know our names.

>>> issubclass(InvalidSpec, ValueError)
True
"""

from __future__ import annotations

from retell_dsl.naming import publish

__all__ = [
    "ConfigurationError",
    "InvalidArgument",
    "InvalidSpec",
    "RetellDSLError",
    "SchemaError",
    "ValidationFailed",
]


class RetellDSLError(Exception):
    """Base class of every error retell-dsl raises on purpose."""


class InvalidArgument(RetellDSLError, TypeError):
    """A builder or function was called with an argument of the wrong kind."""


class InvalidSpec(RetellDSLError, ValueError):
    """A spec is well-typed but breaks a rule of the Retell API or of the DSL."""


class SchemaError(RetellDSLError, ValueError):
    """A payload does not match the Retell API's request schema."""


class ConfigurationError(RetellDSLError, ValueError):
    """The environment or the command line asks for something inconsistent."""


class ValidationFailed(InvalidSpec):
    """``compile()`` found errors; ``issues`` holds every one (warnings included)."""

    def __init__(self, issues: object) -> None:
        self.issues = issues
        errors = getattr(issues, "errors", ())
        body = "\n".join(str(i) for i in errors)
        super().__init__(f"the spec has {len(errors)} error(s):\n{body}")


publish(__name__)  # the classes above report ``retell_dsl.InvalidSpec`` etc.
