"""Post-call and post-chat analysis: the agent's analysis fields filled by a model through one JSON schema.

``fields`` reads the agent's wire ``post_call_analysis_data`` / ``post_chat_analysis_data``
(presets and custom fields), ``schema`` builds the ``record_analysis`` function the model must
call, ``run`` asks the model (``purpose="analysis"``, ``temperature=0``, the tool forced) and
checks its answer into Retell's ``call_analysis`` / ``chat_analysis`` shape.

>>> import asyncio
>>> from retell_dsl.sim.models import NoModel
>>> result = asyncio.run(analyze_chat(None, "User: hi\\nAgent: hello\\n", NoModel()))
>>> result.analysis is None, result.needs_model
(True, ('chat_summary', 'chat_successful', 'user_sentiment'))
"""

from __future__ import annotations

from retell_dsl.sim.analysis.fields import (
    SENTIMENTS,
    AnalysisField,
    AnalysisKind,
    InvalidAnalysisConfig,
    analysis_fields,
    preset_names,
)
from retell_dsl.sim.analysis.run import (
    AnalysisResult,
    analyze_call,
    analyze_call_events,
    analyze_chat,
    analyze_chat_events,
    coerce,
)
from retell_dsl.sim.analysis.schema import TOOL_NAME, analysis_schema, analysis_tool, field_schema

__all__ = [
    "SENTIMENTS",
    "TOOL_NAME",
    "AnalysisField",
    "AnalysisKind",
    "AnalysisResult",
    "InvalidAnalysisConfig",
    "analysis_fields",
    "analysis_schema",
    "analysis_tool",
    "analyze_call",
    "analyze_call_events",
    "analyze_chat",
    "analyze_chat_events",
    "coerce",
    "field_schema",
    "preset_names",
]
