"""The house's boundaries, kept by a test: api/ and cli/ use the domain only through its two faces, and the
signed core never reaches the database.

A failure names the file and the import that crossed a boundary; the fix is to use (or add to) a face, never
to widen this test.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import passport.core
import passport.services

ROOT = Path(__file__).parents[1]
FACES = {"passport.core": set(passport.core.__all__), "passport.services": set(passport.services.__all__)}
# Handles that code above the domain may hold and pass down (typed), never use to query.
DATABASE_HANDLES = {"sqlmodel": {"Session"}, "sqlalchemy.engine": {"Engine"}}


def _imports(folder: str) -> Iterator[tuple[str, str, str]]:
    """(file, module, name) for every name imported by the Python files under ``folder``."""
    for path in sorted((ROOT / folder).rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    yield where, node.module, alias.name
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield where, alias.name, ""


@pytest.mark.parametrize("folder", ["api", "cli"])
def test_the_layers_above_use_only_the_faces_of_the_domain(folder: str) -> None:
    """From passport, only ``passport.core`` and ``passport.services``, and only the names their ``__all__``
    lists; no row class; from the database libraries, only a session or engine to pass down."""
    crossings = []
    for where, module, name in _imports(folder):
        top = module.split(".")[0]
        if top == "passport" and (module not in FACES or name not in FACES[module]):
            crossings.append(f"{where}: from {module} import {name or '*'}")
        elif top == "passport" and name.endswith("Row"):
            crossings.append(f"{where}: {name} is a row")
        elif top in ("sqlalchemy", "sqlmodel") and name not in DATABASE_HANDLES.get(module, set()):
            crossings.append(f"{where}: from {module} import {name or '*'} (SQL stays in passport.services)")
    assert crossings == []


def test_no_face_shows_a_row() -> None:
    """Row classes stay inside the services' storage."""
    assert [name for names in FACES.values() for name in names if name.endswith("Row")] == []


def test_the_signed_core_never_reaches_the_services_or_a_database() -> None:
    """passport.core is pure: it signs and verifies, with no database and nothing of the services."""
    crossings = [
        f"{where}: {module}"
        for where, module, _ in _imports("passport/core")
        if module.startswith(("passport.services", "sqlalchemy", "sqlmodel"))
    ]
    assert crossings == []


def test_no_face_takes_or_gives_a_row() -> None:
    """What the faces offer never takes a row or hands one back, so code above cannot come to hold one."""
    import inspect

    leaks = []
    for face, names in (("passport.core", FACES["passport.core"]), ("passport.services", FACES["passport.services"])):
        module = passport.core if face == "passport.core" else passport.services
        for name in names:
            value = getattr(module, name)
            if callable(value) and not inspect.isclass(value):
                annotations = " ".join(str(a) for a in inspect.get_annotations(value).values())
                if "Row" in annotations:
                    leaks.append(f"{face}.{name}: {annotations}")
    assert leaks == []
