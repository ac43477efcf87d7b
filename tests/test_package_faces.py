"""One face per package: ``crypto``, ``passport.core`` and ``passport.services`` each have an ``__all__`` that is
sorted and is what the package exports."""

from __future__ import annotations

import types

import pytest

import crypto
import passport.core
import passport.services

FACES = [crypto, passport.core, passport.services]


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: SCREAMING_CASE constants, then CamelCase, then everything else.
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2), name


@pytest.mark.parametrize("package", FACES, ids=lambda p: p.__name__)
def test_all_is_sorted_unique_and_resolves(package: types.ModuleType) -> None:
    """Sorted, no repeats, and every name is there."""
    names = package.__all__
    assert names == sorted(names, key=_isort_key) and len(set(names)) == len(names)
    assert all(getattr(package, name, None) is not None for name in names)


@pytest.mark.parametrize("package", FACES, ids=lambda p: p.__name__)
def test_all_is_exactly_what_the_package_exports(package: types.ModuleType) -> None:
    """Every public name the __init__ binds (other than its submodules) is in __all__, and nothing else is."""
    bound = {
        name
        for name, value in vars(package).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType) and name != "annotations"
    }
    assert set(package.__all__) == bound


@pytest.mark.parametrize("package", FACES, ids=lambda p: p.__name__)
def test_exports_are_defined_in_the_package_itself(package: types.ModuleType) -> None:
    """The face shows the package's own work, not names borrowed from another package."""
    for name in package.__all__:
        value = getattr(package, name)
        module = getattr(value, "__module__", None)
        if module is not None and isinstance(value, type | types.FunctionType):
            assert module == package.__name__ or module.startswith(package.__name__ + "."), name
