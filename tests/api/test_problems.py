"""Every error of the tree has a unique stable code and an HTTP status; client errors are never a 500."""

from __future__ import annotations

from api.problems import STATUS_BY_ERROR, status_for
from schemas.errors import PassportError, all_error_classes


def test_codes_are_unique_and_every_error_maps_to_a_status() -> None:
    """The mapping is complete: each class resolves to a 4xx (or 503 for a deployment that is not set up)."""
    classes = all_error_classes()
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes)), "two errors share a code"
    for cls in classes:
        status = status_for(cls("x"))
        assert 400 <= status < 500 or status == 503, (cls, status)


def test_the_mapping_names_only_classes_of_the_tree() -> None:
    """No stray exception types in the status table."""
    tree = set(all_error_classes())
    assert all(cls in tree for cls, _ in STATUS_BY_ERROR)
    assert STATUS_BY_ERROR[-1] == (PassportError, 400)
