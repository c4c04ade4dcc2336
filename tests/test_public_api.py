"""The public facade: sorted, complete, and nothing private leaks."""

from __future__ import annotations

import inspect

import retell_dsl


def _isort_key(name: str) -> tuple[int, str]:
    """ruff's RUF022 order: CONSTANTS, then Classes, then functions/dunders."""
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


def test_all_is_sorted_and_unique() -> None:
    assert list(retell_dsl.__all__) == sorted(set(retell_dsl.__all__), key=_isort_key)


def test_every_public_name_is_importable() -> None:
    for name in retell_dsl.__all__:
        assert hasattr(retell_dsl, name), name


def test_nothing_private_leaks() -> None:
    for name in retell_dsl.__all__:
        assert not name.startswith("_") or name == "__version__", name
    public = {n for n in dir(retell_dsl) if not n.startswith("_")}
    # Subpackages become attributes once imported; they are namespaces, not leaked names.
    modules = {n for n in public if inspect.ismodule(getattr(retell_dsl, n))}
    assert public - set(retell_dsl.__all__) - modules - {"annotations"} == set()


def test_no_public_name_is_shadowed_by_a_subpackage() -> None:
    """A subpackage named like a public function would replace it once imported (retell_dsl.compile)."""
    import pkgutil

    subpackages = {info.name for info in pkgutil.iter_modules(retell_dsl.__path__)}
    assert subpackages & set(retell_dsl.__all__) == set()
