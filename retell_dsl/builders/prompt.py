"""Prompts: Jinja2 templates rendered when the spec is built, and Retell runtime variables.

Retell substitutes ``{{name}}`` at call time, so templates here use *non-brace* delimiters:
``<< expr >>`` for expressions, ``<% stmt %>`` for statements and ``<# … #>`` for comments. Any
``{{…}}`` in a template passes through untouched. Templates render with ``StrictUndefined``: a
missing template variable raises at the line that built the prompt.

:class:`Var` writes Retell's runtime ``{{name}}`` and is recorded on the prompt, so ``validate()``
can check that each runtime variable is provided somewhere (defaults, extraction, call time).

>>> p = Prompt.inline("You work for << clinic >>. Greet << caller >>.", clinic="Acme", caller=Var("name"))
>>> p.text
'You work for Acme. Greet {{name}}.'
>>> p.variables
('name',)
>>> str(Var("name"))
'{{name}}'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from retell_dsl.builders.base import Spec, require_str
from retell_dsl.errors import InvalidArgument, InvalidSpec
from retell_dsl.wire.variables import is_variable_name, variable_names

__all__ = ["Prompt", "Var"]


@dataclass(frozen=True, slots=True, kw_only=False, repr=False)
class Var(Spec):
    """A Retell runtime (dynamic) variable; renders as ``{{name}}``.

    >>> Var("customer_name")
    Var('customer_name')
    >>> Var("appointment_date").ref
    '{{appointment_date}}'
    """

    name: str

    def _check(self) -> None:
        require_str(self.name, "Var name")
        if not is_variable_name(self.name):
            raise InvalidSpec(f"Var name {self.name!r} is not a valid dynamic variable name: use letters, digits and _")

    @property
    def ref(self) -> str:
        """The runtime reference Retell substitutes: ``{{name}}``."""
        return "{{" + self.name + "}}"

    def __str__(self) -> str:
        return self.ref

    def __repr__(self) -> str:
        return f"Var({self.name!r})"


def _environment(search_path: tuple[str, ...]) -> jinja2.Environment:
    loader: jinja2.BaseLoader | None = jinja2.FileSystemLoader(list(search_path)) if search_path else None
    env = jinja2.Environment(
        variable_start_string="<<",
        variable_end_string=">>",
        block_start_string="<%",
        block_end_string="%>",
        comment_start_string="<#",
        comment_end_string="#>",
        undefined=jinja2.StrictUndefined,
        loader=loader,
        keep_trailing_newline=False,
        autoescape=False,
    )
    env.globals["var"] = lambda name: Var(name).ref
    return env


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Prompt(Spec):
    """A prompt text, usually rendered from a template. Build it with :meth:`inline` or :meth:`file`.

    ``text`` is the final text sent to Retell; ``variables`` lists the runtime variables it uses;
    ``origin`` names the template file, when there is one.

    >>> Prompt(text="Be brief with {{name}}.").variables
    ('name',)
    """

    text: str
    origin: str | None = None

    def _check(self) -> None:
        require_str(self.text, "Prompt text", allow_empty=True)

    @property
    def variables(self) -> tuple[str, ...]:
        """Runtime variables (``{{name}}``) used by this prompt."""
        return variable_names(self.text)

    @classmethod
    def inline(cls, template: str, /, *, search_path: tuple[str, ...] = (), **context: Any) -> Prompt:
        """Render an inline template with ``<< >>``/``<% %>`` delimiters and strict undefined."""
        __tracebackhide__ = True
        require_str(template, "template", allow_empty=True)
        env = _environment(tuple(str(p) for p in search_path))
        try:
            text = env.from_string(template).render(**_context(context))
        except jinja2.UndefinedError as exc:
            raise InvalidSpec(f"prompt template uses an undefined value: {exc.message}") from None
        except jinja2.TemplateError as exc:
            raise InvalidSpec(f"prompt template is invalid: {exc}") from None
        return cls(text=text)

    @classmethod
    def file(cls, path: str | Path, /, **context: Any) -> Prompt:
        """Render a template file; ``<% include "x.j2" %>`` resolves next to it."""
        __tracebackhide__ = True
        template_path = Path(path)
        if not template_path.is_file():
            raise InvalidArgument(f"prompt template file {str(path)!r} does not exist")
        env = _environment((str(template_path.parent),))
        try:
            text = env.get_template(template_path.name).render(**_context(context))
        except jinja2.UndefinedError as exc:
            raise InvalidSpec(f"prompt template {str(path)!r} uses an undefined value: {exc.message}") from None
        except jinja2.TemplateError as exc:
            raise InvalidSpec(f"prompt template {str(path)!r} is invalid: {exc}") from None
        return cls(text=text, origin=str(path))

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        if self.origin is not None:
            return f"Prompt(text={self.text!r}, origin={self.origin!r})"
        return f"Prompt(text={self.text!r})"


def _context(context: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.ref if isinstance(v, Var) else v) for k, v in context.items()}
