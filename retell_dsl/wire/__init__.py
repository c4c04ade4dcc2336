"""Facts about the Retell wire format shared by every layer (schema checks against ``retell-sdk``)."""

from __future__ import annotations

from retell_dsl.wire.schema import SchemaIssue, check_payload, describe_value

__all__ = ["SchemaIssue", "check_payload", "describe_value"]
