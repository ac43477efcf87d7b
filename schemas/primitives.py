"""The small value types every part of the passport content is built from.

A base model that is frozen and refuses unknown fields, dates written only as ``YYYY-MM-DD``, free text with a
size cap and no control characters, and item ids. The caps exist so that a hostile request body cannot make a
passport (and so every signed version, view and audit row derived from it) arbitrarily large.

Validators here raise ``ValueError`` with a message that names the rule and never the value: the values are
health and care data about a person, and error messages end up in logs and problem+json bodies.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints

from schemas.errors import InvalidContent

MAX_TEXT_LENGTH = 2_000
"""Longest free-text field (a summary, a note, an outcome), in characters."""

MAX_SHORT_TEXT_LENGTH = 200
"""Longest short text field (a name, an item of equipment, a provider), in characters."""

MAX_LIST_ITEMS = 500
"""Most items in any list section of the passport (needs, equipment, services, ...)."""

MAX_SHORT_LIST_ITEMS = 50
"""Most entries in a small list inside an item (given names, likes, things to arrange, ...)."""

MAX_ITEM_ID_LENGTH = 64
"""Longest item id, in characters."""

# C0 controls and DEL, except tab, line feed and carriage return: they have no place in a record a person
# reads, and they can corrupt terminals, logs and the text printed on a passport card. Unpaired surrogates
# cannot be encoded as UTF-8, so a record holding one could never be signed (RFC 8259 s.8.1).
_FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# ISO 8601 calendar date, extended format, and nothing else (RFC 3339 s.5.6 "full-date"). [0-9], not \d, which
# would also match digits of other scripts.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ITEM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
# BCP 47 (RFC 5646) language tag, simplified: a primary language subtag and up to four further subtags.
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}")


FieldPath = tuple[str | int, ...]
"""A path to a field, from some model: ``("needs", 0, "id")``."""


class _FieldRuleError(ValueError):
    """A rule across fields is broken; names each field at fault by its path from the model that checks it.

    Raised in ``model_validator`` functions (where pydantic knows only the model's own location) so that
    ``parse_content`` can report the field itself: ``services.2.end``, not just ``services.2``.
    """

    def __init__(self, *problems: tuple[FieldPath, str]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, path))}: {message}" for path, message in problems))
        self.problems = problems


def _repeats(values: Iterable[Hashable]) -> list[int]:
    """The indexes of the values that repeat an earlier one."""
    seen: set[Hashable] = set()
    repeats: list[int] = []
    for index, value in enumerate(values):
        if value in seen:
            repeats.append(index)
        seen.add(value)
    return repeats


class ContentModel(BaseModel):
    """Base of every passport content model: immutable, strict about unknown fields, silent about inputs."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        # Keep personal data out of ValidationError's text (it may be logged or chained into a traceback).
        hide_input_in_errors=True,
        # Fields whose JSON name is a Python keyword ("from") are written back under that name.
        serialize_by_alias=True,
    )


def _check_text(value: str) -> str:
    if _FORBIDDEN_CHARACTERS.search(value):
        raise ValueError("must not contain control characters or unpaired surrogates")
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _check_iso_date(value: object) -> object:
    # datetime is a subclass of date, so it has to be refused before date is accepted.
    if isinstance(value, datetime):
        raise ValueError("must be a calendar date (YYYY-MM-DD), not a date and time")
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a real calendar date (YYYY-MM-DD)") from None


def _check_item_id(value: str) -> str:
    if not _ITEM_ID.fullmatch(value):
        raise ValueError("an item id is letters, digits, '.', '_' or '-', starting with a letter or digit")
    return value


def _check_language_tag(value: str) -> str:
    if not _LANGUAGE_TAG.fullmatch(value):
        raise ValueError("must be a BCP 47 language tag such as 'en' or 'cy-GB'")
    return value


IsoDate = Annotated[date, BeforeValidator(_check_iso_date)]
"""A calendar date, accepted only as a ``YYYY-MM-DD`` string (or a ``date``) and written back the same way."""

Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_LENGTH), AfterValidator(_check_text)]
"""Free text a person reads: 1 to 2,000 characters, not blank, no control characters."""

ShortText = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_SHORT_TEXT_LENGTH), AfterValidator(_check_text)
]
"""A short label or name: 1 to 200 characters, not blank, no control characters."""

ItemId = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ITEM_ID_LENGTH), AfterValidator(_check_item_id)]
"""The stable id of a list item, unique across the whole passport (consent withholds items by id)."""

LanguageTag = Annotated[str, StringConstraints(min_length=2, max_length=35), AfterValidator(_check_language_tag)]
"""A BCP 47 (RFC 5646) language tag such as ``en``, ``cy`` or ``pl``."""


def clean_text(value: str, *, field: str) -> str:
    """Free text from outside the passport (a correction request, an override's reason), checked like the text in
    it: 1 to 2,000 characters, not blank, no control characters; else :class:`InvalidContent` naming ``field``."""
    text = value.strip()
    problem = None
    if not text:
        problem = "must not be blank"
    elif len(text) > MAX_TEXT_LENGTH:
        problem = f"must be at most {MAX_TEXT_LENGTH} characters"
    elif _FORBIDDEN_CHARACTERS.search(text):
        problem = "must not contain control characters or unpaired surrogates"
    if problem is not None:
        raise InvalidContent(
            f"the {field.replace('_', ' ')} is not valid text", errors=[{"field": field, "message": problem}]
        )
    return text
