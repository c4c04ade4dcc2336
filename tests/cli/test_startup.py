"""The command line starts quickly because nothing heavy is imported until a command runs."""

from __future__ import annotations

import subprocess
import sys


def test_cli_import_loads_neither_the_sdk_nor_pydantic_models() -> None:
    code = (
        "import sys, retell_dsl.cli, retell_dsl; "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('retell', 'pydantic', 'httpx', 'mcp', 'rich')); "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_public_names_load_on_first_use() -> None:
    code = (
        "import retell_dsl, sys; assert 'retell_dsl.checked' not in sys.modules; retell_dsl.compile; "
        "print('retell_dsl.checked' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "True"


OFFLINE = """
import sys
from retell_dsl.cli import app
from retell_dsl.cli._demo import find_example
for command in ("lint", "compile", "graph"):
    try:
        app([command, str(find_example())])
    except SystemExit as exc:
        assert exc.code in (0, None), exc.code
whole = sorted(m for m in ("retell._client", "retell.types.agent_response", "retell.types.call_response")
               if m in sys.modules)
print("loaded:" + ",".join(whole))
import retell
from retell.types import AgentResponse
print(retell.Retell.__name__, AgentResponse.__name__, issubclass(retell.APIStatusError, retell.RetellError))
"""


def test_offline_commands_load_only_the_sdk_types_they_check_and_the_sdk_still_works_after() -> None:
    out = subprocess.run([sys.executable, "-c", OFFLINE], capture_output=True, text=True, check=True).stdout
    lines = out.strip().splitlines()
    assert lines[-2] == "loaded:"  # no client, no response types: not the SDK's whole type tree
    assert lines[-1] == "Retell AgentResponse True"  # and the deferred SDK loads in full on first use
