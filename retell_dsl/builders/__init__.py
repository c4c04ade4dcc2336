"""The builder DSL: immutable specs for every Retell resource (internal modules).

Import builders from the facade (``from retell_dsl import Agent, RetellLLM``): the modules of this
package are internal, and which one defines a builder may change. The facade's ``_PUBLIC`` lists
every public builder with the module defining it; this package re-exports nothing (so names are
written once), but loads its modules so that every public builder reports ``retell_dsl`` as its
module from the start, whichever path imported it first.

>>> from retell_dsl.builders.agent import Agent
>>> Agent.__module__
'retell_dsl'
"""

from __future__ import annotations

from retell_dsl.builders import (  # noqa: F401 -- loaded so that _publish sees every builder
    agent,
    agent_options,
    base,
    batch,
    conditions,
    engine,
    fields,
    flow,
    kb,
    llm,
    phone,
    prompt,
    stack,
    tools,
)
from retell_dsl.naming import publish

__all__: list[str] = []

publish(__name__)
