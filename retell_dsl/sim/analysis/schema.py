"""The one JSON schema the analysis model fills, offered as the ``record_analysis`` function.

Presets are top-level properties; custom fields sit in a ``custom_analysis_data`` object (so a
custom name can never clash with a preset). Each field's schema:

* ``string``: ``{"type": "string", "description", "examples"?}``;
* ``enum``: ``{"type": "string", "enum": choices, "description"}`` (``user_sentiment``:
  Negative / Positive / Neutral / Unknown);
* ``boolean``: ``{"type": "boolean", "description"}``; ``number``: ``{"type": "number", "description"}``.

Required fields are listed in ``required``. An optional field's description says to leave it
out when the conversation does not give it, and, with a ``conditional_prompt``, to fill it only
when that condition holds. No other property is allowed (``additionalProperties: false``).

>>> from retell_dsl.sim.analysis.fields import analysis_fields
>>> schema = analysis_schema(analysis_fields([{"type": "boolean", "name": "vip", "description": "VIP caller",
...                                            "conditional_prompt": "the caller mentions a membership"}]))
>>> schema["required"]
['call_summary', 'call_successful', 'user_sentiment', 'custom_analysis_data']
>>> schema["properties"]["custom_analysis_data"]["properties"]["vip"]["description"]
'VIP caller. Fill this only if the caller mentions a membership; otherwise leave it out.'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from retell_dsl.sim.analysis.fields import AnalysisField, AnalysisKind
from retell_dsl.sim.models import ToolSchema

__all__ = ["TOOL_NAME", "analysis_schema", "analysis_tool", "field_schema"]

TOOL_NAME = "record_analysis"


def _description(field: AnalysisField) -> str:
    text = field.description.strip()
    if field.required:
        return text
    if text and not text.endswith((".", "?", "!")):
        text += "."
    if field.conditional_prompt:
        return f"{text} Fill this only if {field.conditional_prompt.strip().rstrip('.')}; otherwise leave it out."
    return f"{text} Leave it out if the conversation does not tell."


def field_schema(field: AnalysisField) -> dict[str, Any]:
    """The JSON schema of one field.

    >>> field_schema(AnalysisField(name="n", type="number", description="Party size", required=True))
    {'type': 'number', 'description': 'Party size'}
    """
    schema: dict[str, Any] = {"type": "string" if field.type in ("string", "enum") else field.type}
    if field.type == "enum":
        schema["enum"] = list(field.choices)
    schema["description"] = _description(field)
    if field.examples:
        schema["examples"] = list(field.examples)
    return schema


def analysis_schema(fields: Sequence[AnalysisField]) -> dict[str, Any]:
    """The ``record_analysis`` parameters for ``fields``."""
    presets = [f for f in fields if f.preset]
    custom = [f for f in fields if not f.preset]
    properties: dict[str, Any] = {f.name: field_schema(f) for f in presets}
    required = [f.name for f in presets if f.required]
    if custom:
        properties["custom_analysis_data"] = {
            "type": "object",
            "description": "The agent's custom analysis fields.",
            "properties": {f.name: field_schema(f) for f in custom},
            "required": [f.name for f in custom if f.required],
            "additionalProperties": False,
        }
        required.append("custom_analysis_data")
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def analysis_tool(fields: Sequence[AnalysisField], kind: AnalysisKind = "call") -> ToolSchema:
    """The function the analysis model is forced to call.

    >>> from retell_dsl.sim.analysis.fields import analysis_fields
    >>> analysis_tool(analysis_fields(None)).name
    'record_analysis'
    """
    return ToolSchema(
        TOOL_NAME,
        f"Record the analysis of the finished {kind}, once, with every required field.",
        analysis_schema(fields),
    )
