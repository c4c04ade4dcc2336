"""The error tree of retell-dsl.

Every error the library raises on purpose derives from :class:`RetellDSLError`.
Errors caused by a user's misuse also subclass the matching builtin, so
``except ValueError`` keeps working for people who do not know our names.

>>> issubclass(InvalidSpec, ValueError)
True

Misuse errors raised while a builder is constructed point at the user: they carry the user's
``source`` (file:line, the first stack frame outside retell_dsl), a stable ``code`` (the RD7xx
codes of ``retell_dsl.validation.CODES``) and a ``hint``; ``str()`` is one line:

>>> err = InvalidSpec("RetellLLM 'x' start_speaker must be one of 'user', 'agent'; got 'agnt'",
...                   code="RD703", hint="did you mean 'agent'?", source=("app.py", 12))
>>> print(err)
app.py:12: RD703 RetellLLM 'x' start_speaker must be one of 'user', 'agent'; got 'agnt' (did you mean 'agent'?)
>>> err.message
"RetellLLM 'x' start_speaker must be one of 'user', 'agent'; got 'agnt'"
"""

from __future__ import annotations

import dataclasses
import sys
import types
from pathlib import Path

from retell_dsl.naming import publish

__all__ = [
    "ConfigurationError",
    "InvalidArgument",
    "InvalidSpec",
    "PreflightFailed",
    "RetellDSLError",
    "SchemaError",
    "ValidationFailed",
    "count",
    "user_frame",
]


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, in the singular for exactly one (every message that counts says it so).

    >>> count(1, "step"), count(2, "request"), count(0, "error"), count(1, "entry", "entries")
    ('1 step', '2 requests', '0 errors', '1 entry')
    >>> count(3, "entry", "entries")
    '3 entries'
    """
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


class RetellDSLError(Exception):
    """Base class of every error retell-dsl raises on purpose."""


_PACKAGE_DIR = str(Path(__file__).resolve().parent)
_BUILDERS_DIR = str(Path(_PACKAGE_DIR) / "builders")
_DATACLASSES_FILE = dataclasses.__file__


def user_frame(frame: types.FrameType | None) -> tuple[str, int] | None:
    """``(file, line)`` of the first frame from ``frame`` outwards that is the user's code.

    Frames of retell_dsl, of :mod:`dataclasses` and of generated dataclass ``__init__`` code are
    skipped. The file is relative to the working directory when it lies below it.
    """
    while frame is not None:
        filename = frame.f_code.co_filename
        generated = filename == "<string>" and frame.f_code.co_name in {"__init__", "__create_fn__"}
        if not (filename.startswith(_PACKAGE_DIR) or filename == _DATACLASSES_FILE or generated):
            return _short_path(filename), frame.f_lineno
        frame = frame.f_back
    return None


def _short_path(filename: str) -> str:
    try:
        return str(Path(filename).relative_to(Path.cwd()))
    except ValueError:
        return filename


def _raised_by_builder(frame: types.FrameType | None) -> bool:
    """Whether the error is being created by builder code (construction checks and fluent calls)."""
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    return frame is not None and frame.f_code.co_filename.startswith(_BUILDERS_DIR)


class _UserMistake(RetellDSLError):
    """A misuse error that can say where (the user's file:line), which rule (a code) and how to fix it.

    Raised by builder code, it finds the user's frame itself; ``source=`` overrides that.
    """

    message: str
    code: str
    hint: str
    source: str | None
    #: the code of a builder check that names none itself
    _builder_code = ""

    def __init__(
        self, message: str = "", *, code: str = "", hint: str = "", source: str | tuple[str, int] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.hint = hint
        if source is None and _raised_by_builder(sys._getframe(1)):
            found = user_frame(sys._getframe(1))
            source = f"{found[0]}:{found[1]}" if found else None
            self.code = code or self._builder_code
        elif isinstance(source, tuple):
            source = f"{source[0]}:{source[1]}"
        self.source: str | None = source

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        code = f"{self.code} " if self.code else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{code}{self.message}{hint}"


class InvalidArgument(_UserMistake, TypeError):
    """A builder or function was called with an argument of the wrong kind."""

    _builder_code = "RD701"


class InvalidSpec(_UserMistake, ValueError):
    """A spec is well-typed but breaks a rule of the Retell API or of the DSL."""

    _builder_code = "RD704"


class SchemaError(RetellDSLError, ValueError):
    """A payload does not match the Retell API's request schema."""


class ConfigurationError(RetellDSLError, ValueError):
    """The environment or the command line asks for something inconsistent."""


class PreflightFailed(RetellDSLError, ValueError):
    """``apply`` found problems it can see before its first change; nothing was changed.

    ``problems`` holds one line per problem.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        body = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"apply stopped before changing anything: {count(len(self.problems), 'problem')}:\n{body}")


class ValidationFailed(InvalidSpec):
    """``compile()`` found errors; ``issues`` holds every one (warnings included)."""

    def __init__(self, issues: object) -> None:
        self.issues = issues
        errors = getattr(issues, "errors", ())
        body = "\n".join(str(i) for i in errors)
        super().__init__(f"the spec has {count(len(errors), 'error')}:\n{body}")


publish(__name__)  # the classes above report ``retell_dsl.InvalidSpec`` etc.
