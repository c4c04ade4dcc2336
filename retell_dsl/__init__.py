"""retell-dsl: Retell AI voice agents as code."""

from __future__ import annotations

from retell_dsl.errors import (
    ConfigurationError,
    InvalidArgument,
    InvalidSpec,
    NotSupportedYet,
    RetellDSLError,
    SchemaError,
)

__version__ = "0.1.0"

__all__ = [
    "ConfigurationError",
    "InvalidArgument",
    "InvalidSpec",
    "NotSupportedYet",
    "RetellDSLError",
    "SchemaError",
    "__version__",
]
