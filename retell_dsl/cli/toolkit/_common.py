"""What every toolkit command shares: target and output options, payload files, errors, confirmation.

Only typer is imported at module level; the SDK, the toolkit table and rich load
when a command runs, so ``retell-dsl --help`` stays quick.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, NoReturn

import typer

from retell_dsl.cli._words import count

__all__ = [
    "EMULATOR_DB_ENV",
    "TARGET_ENV",
    "AllOpt",
    "FileOpt",
    "JsonOpt",
    "LimitOpt",
    "TargetOpt",
    "VersionOpt",
    "YesOpt",
    "abort",
    "confirm",
    "deleted_view",
    "detail_view",
    "execute",
    "int_version_arg",
    "make_client",
    "merge",
    "parse_json",
    "parse_pairs",
    "parse_time",
    "print_json",
    "table_view",
    "version_arg",
]

TARGET_ENV = "RETELL_DSL_TARGET"
EMULATOR_DB_ENV = "RETELL_DSL_EMULATOR_DB"

TargetOpt = Annotated[
    str,
    typer.Option(
        "--target",
        "-t",
        envvar=TARGET_ENV,
        help="auto (live when RETELL_API_KEY is set, else the emulator), emulator or live.",
        show_default=True,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the API object as JSON instead of a table.")]
FileOpt = Annotated[
    str | None,
    typer.Option(
        "--file",
        "-f",
        metavar="PAYLOAD",
        help="The full request body: a JSON file, or a DSL spec compiled to one (spec.py:llm, module:agent, or a"
        " .py file holding one spec). Flags given on the command line win.",
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
LimitOpt = Annotated[
    int,
    typer.Option("--limit", "-n", min=1, help="Show at most this many (pages of up to 1000 are fetched as needed)."),
]


def abort(message: str) -> NoReturn:
    """Print a one-line error to stderr and exit with status 1."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def make_client(target: str) -> Any:
    """Resolve ``target``, say which one is used (on stderr), and return a ``retell.Retell`` client."""
    from retell_dsl.target import DEFAULT_EMULATOR_DB, resolve_target

    resolved = resolve_target(target, emulator_db=os.environ.get(EMULATOR_DB_ENV) or DEFAULT_EMULATOR_DB)
    typer.echo(f"target: {resolved.describe()}", err=True)
    return resolved.client()


def execute(
    operation: str,
    arguments: Mapping[str, Any],
    *,
    target: str,
    as_json: bool,
    render: Callable[[Any], None],
    limit: int | None = 0,
    hint: Callable[[str], str] | None = None,
) -> Any:
    """Run one toolkit operation and print its result (JSON or ``render``); errors exit 1 in one line.

    ``limit`` other than 0 pages through a paginated list until that many items (``None``: all).
    ``hint`` turns the error message into the line printed (to name the command that fixes it).
    """
    import retell

    from retell_dsl.errors import RetellDSLError
    from retell_dsl.toolkit import error_message, invoke, invoke_all

    try:
        client = make_client(target)
        if limit != 0:
            result = invoke_all(operation, client, arguments, limit=limit)
        else:
            result = invoke(operation, client, arguments)
    except (RetellDSLError, retell.RetellError, OSError) as exc:
        message = error_message(exc)
        abort(hint(message) if hint else message)
    if as_json:
        print_json(result)
    else:
        render(result)
    return result


def print_json(value: object) -> None:
    """Print ``value`` as indented JSON on stdout (nothing else goes to stdout with ``--json``)."""
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def confirm(what: str, yes: bool) -> None:
    """Ask before a destructive change unless ``--yes``; declining exits 1."""
    if yes:
        return
    try:
        agreed = typer.confirm(f"{what}. This cannot be undone. Continue?", default=False, err=True)
    except typer.Abort:  # end of input (no terminal): treat as "no"
        agreed = False
    if not agreed:
        abort("cancelled; nothing was changed (pass --yes to skip this question)")


def merge(file: str | Path | None, flags: Mapping[str, Any]) -> dict[str, Any]:
    """The request body from ``--file`` with the flags that were given laid over it.

    ``--file`` is a JSON object, or a DSL spec (``spec.py:llm``, ``module:agent``, or a ``.py`` file
    holding one spec) compiled with ``retell_dsl.compile``.
    """
    body: dict[str, Any] = {}
    spec = file is not None and _names_spec(str(file))
    if file is not None:
        body.update(_spec_body(str(file)) if spec else _json_body(Path(file)))
    body.update({key: value for key, value in flags.items() if value is not None})
    refs = sorted(_refs(body)) if spec else []
    if refs:  # a flag (--llm-id ...) may have replaced the reference
        abort(
            f"--file: {file} refers to {', '.join(refs)}, which is not deployed: deploy the stack with"
            " `retell-dsl apply`, or reference existing ids (a flag such as --llm-id, or id strings in the spec)"
        )
    return body


def _json_body(file: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        abort(f"--file: cannot read {str(file)!r}: {exc.strerror or exc}")
    except json.JSONDecodeError as exc:
        abort(f"--file: {str(file)!r} is not valid JSON (line {exc.lineno}: {exc.msg})")
    if not isinstance(loaded, dict):
        abort(f"--file: {str(file)!r} must hold a JSON object, not {type(loaded).__name__}")
    return loaded


def _names_spec(value: str) -> bool:
    """``PATH.py``, ``PATH.py:attribute`` or ``module:attribute`` (an existing non-.py file is JSON)."""
    if value.endswith(".py"):
        return True
    if Path(value).is_file():
        return False
    target, sep, attribute = value.partition(":")
    drive = len(target) == 1 and attribute.startswith(("\\", "/"))  # C:\payload.json
    return bool(sep and target and attribute) and not drive


def _spec_body(value: str) -> dict[str, Any]:
    """Load the spec ``value`` names, compile it to its request payload, and resolve ``$env:`` secrets.

    ``$ref:`` markers (other resources of a stack) are left for ``merge`` to refuse after the flags.
    """
    from retell_dsl.builders.stack import RESOURCE_TYPES, Stack
    from retell_dsl.checked import compile
    from retell_dsl.deploy.app import load_attribute
    from retell_dsl.deploy.apply import resolve_env
    from retell_dsl.errors import RetellDSLError, ValidationFailed

    try:
        spec = load_attribute(value, choose=_only_spec)
    except RetellDSLError as exc:
        abort(f"--file: {exc}")
    except Exception as exc:  # the user's module failed while importing: one line, not a traceback
        abort(f"--file: importing {value!r} failed: {type(exc).__name__}: {exc}")
    if isinstance(spec, Stack):
        abort(f"--file: {value} is a Stack; deploy it with `retell-dsl apply`, or name one resource spec")
    if not isinstance(spec, RESOURCE_TYPES):
        abort(f"--file: {value} is a {type(spec).__name__}, not a resource spec (Agent, RetellLLM, ...)")
    try:
        payload: dict[str, Any] = dict(compile(spec))
    except ValidationFailed as exc:
        errors = getattr(exc.issues, "errors", ())
        for issue in errors:
            typer.echo(str(issue), err=True)
        abort(f"--file: {value} has {count(len(errors), 'lint error')}, listed above")
    try:
        return resolve_env(payload, os.environ)  # type: ignore[no-any-return]
    except RetellDSLError as exc:
        abort(f"--file: {exc}")


def _only_spec(module: ModuleType) -> Any:
    """The one resource spec a ``.py`` file defines (``--file spec.py``)."""
    from retell_dsl.builders.stack import RESOURCE_TYPES
    from retell_dsl.errors import ConfigurationError

    found: dict[int, str] = {}
    for name, value in vars(module).items():
        if isinstance(value, RESOURCE_TYPES) and not name.startswith("_"):
            found.setdefault(id(value), name)
    if len(found) == 1:
        return getattr(module, next(iter(found.values())))
    names = ", ".join(sorted(found.values())) or "none"
    raise ConfigurationError(
        f"{module.__file__} defines {len(found)} resource specs ({names}); name one as PATH.py:attribute"
    )


def _refs(payload: object) -> set[str]:
    """The ``$ref:<kind>.<name>`` markers left in a compiled payload (resources of a stack, not deployed)."""
    if isinstance(payload, str):
        return {payload.removeprefix("$ref:")} if payload.startswith("$ref:") else set()
    if isinstance(payload, Mapping):
        return set().union(*map(_refs, payload.values()))
    if isinstance(payload, list | tuple):
        return set().union(*map(_refs, payload))
    return set()


def parse_json(option: str, text: str | None) -> Any:
    """Parse the JSON value of ``option`` (``None`` stays ``None``)."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        abort(f"{option}: not valid JSON ({exc.msg} at column {exc.colno})")


def parse_pairs(option: str, pairs: Sequence[str] | None) -> dict[str, str] | None:
    """Parse repeated ``KEY=VALUE`` options into a dict (``None`` when none were given)."""
    if not pairs:
        return None
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            abort(f"{option}: expected KEY=VALUE, got {pair!r}")
        out[key] = value
    return out


def parse_time(option: str, text: str | None) -> int | None:
    """A moment as milliseconds since the epoch, from ms digits, an ISO date or an ISO date-time (UTC if naive)."""
    if text is None:
        return None
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        abort(f"{option}: expected an ISO date (2025-01-31), date-time or milliseconds, got {text!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


AllOpt = Annotated[bool, typer.Option("--all", help="Fetch every page, ignoring --limit.")]
VersionOpt = Annotated[str | None, typer.Option("--version", "-v", help="Version number (agents: or a tag).")]


def version_arg(text: str | None) -> int | str | None:
    """``--version`` as a number when it is one (agents also take tag names)."""
    return int(text) if text is not None and text.isdigit() else text


def int_version_arg(text: str | None) -> int | None:
    """``--version`` as a number (LLMs and flows take no tag names)."""
    value = version_arg(text)
    if isinstance(value, str):
        abort(f"--version: expected a version number, got {value!r}")
    return value


def detail_view(title: str, first: tuple[str, ...]) -> Any:
    """A renderer showing one object as a field/value table."""

    def show(obj: Any) -> None:
        from retell_dsl.cli.toolkit._render import render_detail

        render_detail(title, obj, first=first)

    return show


def table_view(title: str, columns: list[tuple[str, Any]]) -> Any:
    """A renderer showing a list (or a page of items) as a table."""

    def show(result: Any) -> None:
        from retell_dsl.cli.toolkit._render import render_table

        rows = result["items"] if isinstance(result, dict) else result
        render_table(title, rows, columns, more=isinstance(result, dict) and bool(result.get("has_more")))

    return show


def deleted_view(result: Any) -> None:
    """A renderer confirming a deletion."""
    ids = ", ".join(f"{k}={v}" for k, v in result.items() if k != "deleted")
    typer.echo(f"Deleted {ids}.")
