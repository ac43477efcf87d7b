"""The directory of organisations: its data file's shape, its sources named, a name for every organisation the
reference passport names, and the order of the one lookup (this deployment's names, the directory, nothing)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from schemas import DIRECTORY_FILE, directory, find_organisation_name, is_org_id, organisation_kind
from tests.conftest import reference_passport

README = Path(__file__).parents[2] / "README.md"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_the_data_file_has_its_sources_and_one_entry_per_organisation() -> None:
    """An ``about``, a source for every kind of id, and entries of exactly ``id`` and ``name``: valid, unique,
    named in plain text."""
    document = json.loads(DIRECTORY_FILE.read_text(encoding="utf-8"))
    assert set(document) == {"about", "sources", "organisations"}
    assert set(document["sources"]) == {"prison", "la", "health", "probation"}
    assert all(len(text) > 40 for text in document["sources"].values())
    ids = [entry["id"] for entry in document["organisations"]]
    assert len(ids) == len(set(ids))
    for entry in document["organisations"]:
        assert set(entry) == {"id", "name"}, entry
        assert is_org_id(entry["id"]), entry
        assert entry["name"] == entry["name"].strip() and entry["name"], entry
        assert ":" not in entry["name"], entry  # a name, never another code
    kinds = {entry["id"].partition(":")[0] for entry in document["organisations"]}
    assert kinds == {"prison", "la", "health", "probation"}


def test_it_covers_prisons_and_the_councils_of_three_nations() -> None:
    """Prisons of England and Wales by their HMPPS codes; councils of England, Wales and Scotland by GSS code."""
    names = directory()
    assert names["prison:WMI"] == "HMP Wymott"
    assert names["prison:RSI"] == "HMP Risley"
    assert names["prison:CFI"] == "HMP Cardiff"
    assert names["la:E08000012"] == "Liverpool City Council"
    assert names["la:E07000127"] == "West Lancashire Council"
    assert names["la:W06000015"] == "Cardiff Council"
    assert names["la:S12000036"] == "City of Edinburgh Council"
    councils = [org for org in names if org.startswith("la:")]
    # Wales has 22 principal councils and Scotland 32; England's unitaries, districts, boroughs and counties.
    assert sum(org.startswith("la:W06") for org in councils) == 22
    assert sum(org.startswith("la:S12") for org in councils) == 32
    assert sum(org.startswith("la:E") for org in councils) > 300
    assert sum(org.startswith("prison:") for org in names) > 100


def test_every_organisation_the_reference_passport_names_has_a_name() -> None:
    """No page showing the reference passport falls back to a code."""
    orgs = {text for text in _strings(reference_passport()) if is_org_id(text)}
    assert orgs >= {"prison:WYI", "la:E07000127", "la:E08000012", "health:RW4"}
    assert {org: find_organisation_name(org) for org in orgs if find_organisation_name(org) is None} == {}


def test_this_deployments_names_come_first_then_the_directory_then_nothing() -> None:
    """The names a deployment was set up with (itself, its trusted peers) win; then the directory; else ``None``,
    and the page says what kind of organisation it is."""
    known = {"prison:WYI": "HMP Wymott", "prison:RSY": "HMP Risley (test)"}
    assert find_organisation_name("prison:WYI", known) == "HMP Wymott"
    assert find_organisation_name("prison:WYI") == "HMYOI Wetherby"  # the real HMPPS code
    assert find_organisation_name("prison:RSY", known) == "HMP Risley (test)"
    assert find_organisation_name("la:E08000012", known) == "Liverpool City Council"
    assert find_organisation_name("la:E09999999", known) is None
    assert find_organisation_name("prison:RSY") is None
    assert [organisation_kind(org) for org in ("prison:XXX", "la:E09999999", "health:ZZZ", "probation:ZZ")] == [
        "a prison",
        "a council",
        "an NHS service",
        "the probation service",
    ]
    assert organisation_kind("nonsense") == "an organisation"


def test_the_readme_names_the_directory_and_its_sources() -> None:
    """Where the names come from is said where people look."""
    text = README.read_text(encoding="utf-8")
    assert "schemas/organisations.json" in text
    assert re.search(r"HMPPS", text) and re.search(r"ONS", text) and re.search(r"ODS", text)
