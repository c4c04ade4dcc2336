"""Pure facts about the Retell wire format, shared by every layer; imports nothing else of the project.

- :mod:`~retell_dsl.wire.schema`: check payloads against the request types of ``retell-sdk``;
- :mod:`~retell_dsl.wire.flow`: flow structure, the edge slots of a node and their sentinels;
- :mod:`~retell_dsl.wire.variables`: the ``{{variable}}`` pattern and Retell's substitution rules;
- :mod:`~retell_dsl.wire.equations`: evaluate equation conditions with Retell's string/number rules;
- :mod:`~retell_dsl.wire.ids`: the ids retell-dsl derives from names, and local component resolution;
- :mod:`~retell_dsl.wire.hints`: near misses of a name and the "did you mean" phrase every layer prints.

Import the submodules for the rest; the names below are the most used ones.
"""

from __future__ import annotations

from retell_dsl.wire.schema import SchemaIssue, check_payload, describe_value

__all__ = ["SchemaIssue", "check_payload", "describe_value"]
