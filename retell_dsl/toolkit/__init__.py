"""The Retell toolkit: 38 operations described once, run from Python, the CLI and MCP.

>>> from retell_dsl.toolkit import OPERATIONS, invoke
>>> sorted({op.kind for op in OPERATIONS})
['destructive', 'read', 'write']
"""

from __future__ import annotations

from retell_dsl.toolkit.catalog import OPERATIONS, get_operation
from retell_dsl.toolkit.operation import Kind, Operation, PathParam
from retell_dsl.toolkit.runner import MAX_PAGE, check_arguments, error_message, invoke, invoke_all, to_json
from retell_dsl.toolkit.schema import json_schema

__all__ = [
    "MAX_PAGE",
    "OPERATIONS",
    "Kind",
    "Operation",
    "PathParam",
    "check_arguments",
    "error_message",
    "get_operation",
    "invoke",
    "invoke_all",
    "json_schema",
    "to_json",
]
