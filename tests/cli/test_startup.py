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
        "import retell_dsl, sys; assert 'retell' not in sys.modules; retell_dsl.compile; print('retell' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "True"
