"""The public facade and namespaces: one list of names, sorted, complete, and nothing private leaks."""

from __future__ import annotations

import ast
import copy
import dataclasses
import importlib
import inspect
import pickle
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import retell_dsl
from retell_dsl.naming import PUBLIC

FACADE = Path(retell_dsl.__file__)
NAMESPACES = ["retell_dsl.deploy", "retell_dsl.emulator", "retell_dsl.sim", "retell_dsl.target", "retell_dsl.toolkit"]


def _isort_key(name: str) -> tuple[int, str]:
    """ruff's RUF022 order: CONSTANTS, then Classes, then functions/dunders."""
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


def _type_checking_imports() -> dict[str, str]:
    """``name → module`` of the facade's ``if TYPE_CHECKING:`` block (what type checkers see)."""
    tree = ast.parse(FACADE.read_text(encoding="utf-8"))
    blocks = [n for n in tree.body if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)]
    assert len(blocks) == 1
    out: dict[str, str] = {}
    for stmt in blocks[0].body:
        assert isinstance(stmt, ast.ImportFrom) and stmt.module, ast.unparse(stmt)
        for alias in stmt.names:
            # ``import X as X`` is the explicit re-export mypy --strict needs
            assert alias.asname == alias.name, f"write `{alias.name} as {alias.name}`"
            assert alias.name not in out, f"{alias.name} is imported twice"
            out[alias.name] = stmt.module
    return out


def test_all_derives_from_the_one_list_and_is_sorted() -> None:
    assert retell_dsl.__all__ == [*PUBLIC, "__version__"]
    names = list(PUBLIC)
    assert names == sorted(set(names), key=_isort_key)


def test_type_checking_block_agrees_with_the_list() -> None:
    assert _type_checking_imports() == PUBLIC


def test_every_public_name_resolves_in_its_module() -> None:
    for name, module in PUBLIC.items():
        assert getattr(retell_dsl, name) is getattr(importlib.import_module(module), name), name


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = retell_dsl.Nope
    assert not hasattr(retell_dsl, "NotSupportedYet")


def test_nothing_private_leaks() -> None:
    for name in retell_dsl.__all__:
        assert not name.startswith("_") or name == "__version__", name
    public = {n for n in dir(retell_dsl) if not n.startswith("_")}
    # Subpackages become attributes once imported; they are namespaces, not leaked names.
    modules = {n for n in public if inspect.ismodule(getattr(retell_dsl, n))}
    assert public - set(retell_dsl.__all__) - modules - {"annotations"} == set()


def test_no_public_name_is_shadowed_by_a_subpackage() -> None:
    """A subpackage named like a public function would replace it once imported (retell_dsl.compile)."""
    subpackages = {info.name for info in pkgutil.iter_modules(retell_dsl.__path__)}
    assert subpackages & set(retell_dsl.__all__) == set()


def test_public_classes_report_the_public_path() -> None:
    classes = [v for n in PUBLIC if isinstance(v := getattr(retell_dsl, n), type)]
    assert len(classes) > 80
    for cls in classes:
        assert cls.__module__ == "retell_dsl", cls
    assert repr(retell_dsl.Agent) == "<class 'retell_dsl.Agent'>"


def test_internal_import_paths_see_the_same_public_path() -> None:
    """Whichever path loads a builder first, it reports the facade (the builders package publishes)."""
    from retell_dsl.builders.flow.talk import SMSNode
    from retell_dsl.errors import InvalidSpec

    assert (SMSNode.__module__, InvalidSpec.__module__) == ("retell_dsl", "retell_dsl")
    assert "retell_dsl.InvalidSpec" in repr(InvalidSpec)


def test_specs_still_pickle_copy_and_replace() -> None:
    from retell_dsl import UNSET, Agent, RetellLLM, Stack

    agent = Agent(name="a", voice="11labs-Adrian", engine=RetellLLM(name="l", model="gpt-4.1"))
    stack = Stack(name="s").add(agent)
    for value in (agent, stack, UNSET):
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.deepcopy(value) == value
    assert pickle.loads(pickle.dumps(UNSET)) is UNSET
    assert dataclasses.replace(agent, voice="openai-Alloy").voice == "openai-Alloy"
    assert b"retell_dsl.builders" not in pickle.dumps(agent)  # pickles name the public path


def test_hypothesis_can_build_public_specs() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from retell_dsl import KBText, Pronunciation

    @settings(max_examples=10, database=None)
    @given(
        st.builds(KBText, title=st.text(alphabet="ab", min_size=1)),
        st.builds(Pronunciation, word=st.just("x"), phoneme=st.just("y"), alphabet=...),
    )
    def check(kb: KBText, p: Pronunciation) -> None:
        assert type(kb) is KBText and type(p) is Pronunciation

    check()


def test_doctests_of_published_classes_are_still_found_in_their_module() -> None:
    """A class reporting ``retell_dsl`` is skipped by doctest in its own module unless ``__test__`` names it."""
    import doctest
    import sys

    finder = doctest.DocTestFinder()
    checked = 0
    for name in PUBLIC:
        cls = getattr(retell_dsl, name)
        if not isinstance(cls, type) or ">>>" not in (cls.__doc__ or ""):
            continue
        defining = next(m for m in list(sys.modules.values()) if getattr(m, "__test__", {}).get(name) is cls)
        found = {t.name for t in finder.find(defining) if t.examples}
        assert f"{defining.__name__}.__test__.{name}" in found, name
        checked += 1
    assert checked > 50


def _namespace(name: str) -> ModuleType:
    return importlib.import_module(name)


@pytest.mark.parametrize("name", NAMESPACES)
def test_documented_namespaces_have_a_sorted_complete_all(name: str) -> None:
    module = _namespace(name)
    exported = list(module.__all__)
    assert exported == sorted(set(exported), key=_isort_key), name
    for item in exported:
        assert hasattr(module, item), f"{name}.{item}"
    # every public-looking name the namespace itself defines is listed (imports of submodules aside)
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    defined = {
        t.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(t, ast.Name)
    } | {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)}
    unlisted = {n for n in defined if not n.startswith("_")} - set(exported)
    assert unlisted == set(), f"{name} defines public names outside __all__: {sorted(unlisted)}"
