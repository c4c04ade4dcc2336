"""The raw compiler: pure and deterministic, from specs to the exact Retell request payloads, unchecked.

Nothing here validates: :func:`raw_payload` compiles one resource and
:func:`compile_stack_unchecked` a Stack. The checked ``compile()`` (validate first, raise one
:class:`~retell_dsl.errors.ValidationFailed` listing every error) sits above both this package and
:mod:`retell_dsl.validation`, in :mod:`retell_dsl.checked`, and is ``retell_dsl.compile``.

The same spec always gives byte-identical JSON (:func:`to_json`): payload lists keep spec order,
generated ids derive from names (node ``"Greet caller"`` → id ``"greet-caller"``, its else edge
``"greet-caller.else"``, flow tool ``"book"`` → ``"tool-book"``, see :mod:`retell_dsl.wire.ids`),
and nothing is random.

>>> from retell_dsl.builders.llm import RetellLLM
>>> to_json(raw_payload(RetellLLM(name="x", model="gpt-4.1", general_prompt="Be kind.")))
'{"general_prompt": "Be kind.", "model_config": {"primary": {"model": "gpt-4.1"}, "type": "cascading"}}'
"""

from __future__ import annotations

import json

from retell_dsl.compiler.resources import ENV_PREFIX
from retell_dsl.compiler.stack import (
    CompiledResource,
    CompiledStack,
    compile_stack_unchecked,
    raw_payload,
    resolve_refs,
)

__all__ = [
    "ENV_PREFIX",
    "CompiledResource",
    "CompiledStack",
    "compile_stack_unchecked",
    "raw_payload",
    "resolve_refs",
    "to_json",
]


def to_json(payload: object, *, indent: int | None = None) -> str:
    """Deterministic JSON of a payload or a compiled stack (sorted keys, UTF-8 text).

    >>> to_json({"b": 1, "a": "é"})
    '{"a": "é", "b": 1}'
    """
    if isinstance(payload, CompiledStack):
        return payload.to_json(indent=indent)
    return json.dumps(payload, indent=indent, sort_keys=True, ensure_ascii=False)
