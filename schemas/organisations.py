"""The directory of organisations: the name of each organisation id a passport may name, so that no page shows a
code where a name is known ("West Lancashire Council", never ``la:E07000127``).

The names are data, shipped as ``organisations.json`` beside this module, with the source of each kind of code
named in the file: prisons by their HMPPS establishment code, councils by their ONS GSS code, NHS bodies by their
ODS code, and the probation regions the examples use. A pure lookup: no database, no network.

:func:`find_organisation_name` is the one lookup every page uses. The names a deployment was set up with (its own
identity and its trusted peers, passed as ``known``) come first: they are what its staff chose and pinned, and
they name organisations the directory does not list. Then the directory; then nothing, and the page says what
kind of organisation it is (:func:`organisation_kind`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

DIRECTORY_FILE = Path(__file__).with_name("organisations.json")
"""The directory's data file."""

_KIND_WORDS: Mapping[str, str] = {
    "prison": "a prison",
    "la": "a council",
    "health": "an NHS service",
    "probation": "the probation service",
}
_NOTHING: Mapping[str, str] = MappingProxyType({})


@cache
def directory() -> Mapping[str, str]:
    """Every organisation id the directory lists, with its name (read once)."""
    document = json.loads(DIRECTORY_FILE.read_text(encoding="utf-8"))
    return MappingProxyType({entry["id"]: entry["name"] for entry in document["organisations"]})


def find_organisation_name(org: str, known: Mapping[str, str] = _NOTHING) -> str | None:
    """The name of ``org``: as ``known`` (this deployment and its trusted peers) names it, else as the directory
    does; ``None`` when neither knows it."""
    return known.get(org) or directory().get(org)


def organisation_kind(org: str) -> str:
    """What kind of organisation an id names, in words: "a prison", "a council"; "an organisation" otherwise."""
    return _KIND_WORDS.get(org.partition(":")[0], "an organisation")
