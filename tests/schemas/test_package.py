"""The face of the package: ``schemas.__all__`` is sorted and is exactly what the modules define in public."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import typing
from pathlib import Path

import schemas
from schemas import (
    AUDIENCES,
    DISCLOSABLE_SECTIONS,
    LIST_SECTIONS,
    SECTIONS,
    PassportContent,
    all_error_classes,
)

# schemas/api.py holds the API's request and response bodies; the API imports them from schemas.api.
_NOT_RE_EXPORTED = {"api"}


def _isort_key(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 keeps: SCREAMING_CASE constants, then CamelCase, then everything else.
    if name.isupper():
        return 0, name
    if name[:1].isupper():
        return 1, name
    return 2, name


def _public_names_defined_in(module_name: str) -> set[str]:
    """The public names a module defines at top level (classes, functions, constants, type aliases)."""
    module = importlib.import_module(f"schemas.{module_name}")
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not n.startswith("_")}


def _schemas_modules() -> list[str]:
    return [m.name for m in pkgutil.iter_modules(schemas.__path__) if m.name not in _NOT_RE_EXPORTED]


def test_all_is_sorted() -> None:
    assert schemas.__all__ == sorted(schemas.__all__, key=_isort_key)
    assert len(set(schemas.__all__)) == len(schemas.__all__)


def test_every_name_in_all_resolves() -> None:
    for name in schemas.__all__:
        assert getattr(schemas, name) is not None, name


def test_all_is_exactly_the_public_names_of_the_modules() -> None:
    defined: set[str] = set()
    for module_name in _schemas_modules():
        defined |= _public_names_defined_in(module_name)
    assert set(schemas.__all__) == defined


def test_re_exports_are_the_module_objects() -> None:
    for module_name in _schemas_modules():
        module = importlib.import_module(f"schemas.{module_name}")
        for name in _public_names_defined_in(module_name):
            assert getattr(schemas, name) is getattr(module, name), name


def test_every_error_class_is_exported() -> None:
    for cls in all_error_classes():
        assert cls.__name__ in schemas.__all__
        assert getattr(schemas, cls.__name__) is cls


def test_section_constants_follow_the_model() -> None:
    assert tuple(PassportContent.model_fields) == SECTIONS
    assert tuple(s for s in SECTIONS if s not in ("subject", "consent")) == DISCLOSABLE_SECTIONS
    hints = typing.get_type_hints(PassportContent, include_extras=True)
    lists = tuple(s for s in SECTIONS if typing.get_origin(hints[s]) is tuple)
    assert lists == LIST_SECTIONS
    expected_audiences = ("prison", "local_authority", "health", "probation", "reception_card")
    assert expected_audiences == AUDIENCES


def test_json_schema_can_be_generated() -> None:
    schema = PassportContent.model_json_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"subject", "consent"}
    assert "from" in schema["$defs"]["SocialWork"]["properties"]
