"""The person: who they are (``subject``), what they say of themselves (``about_me``), how to talk with them.

``about_me`` is written by or with the person, in their words (after the hospital passport, Alzheimer's
Society "This is me" and the PRSB "About Me" standard), and is kept apart from assessed facts.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, StrictBool, model_validator

from schemas.identifiers import Identifier
from schemas.primitives import (
    MAX_SHORT_LIST_ITEMS,
    ContentModel,
    IsoDate,
    LanguageTag,
    ShortText,
    Text,
    _FieldRuleError,
    _repeats,
)

# A person has one identifier per scheme, but may have had more than one prison number or PNC record.
_MAX_IDENTIFIERS = 20
_MAX_GIVEN_NAMES = 10


def eighteenth_birthday(date_of_birth: date) -> date:
    """The day a person born on ``date_of_birth`` turns 18 and is no longer a child (Children Act 1989
    s.105(1)); one born on 29 February turns 18 on 1 March (Family Law Reform Act 1969 s.9)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + 18)
    except ValueError:
        return date(date_of_birth.year + 18, 3, 1)


class Subject(ContentModel):
    """Whose passport this is: validated identifiers, names, date of birth and preferred language."""

    identifiers: tuple[Identifier, ...] = Field(min_length=1, max_length=_MAX_IDENTIFIERS)
    family_name: ShortText
    given_names: tuple[ShortText, ...] = Field(default=(), max_length=_MAX_GIVEN_NAMES)
    preferred_name: ShortText | None = None
    date_of_birth: IsoDate
    language: LanguageTag

    @model_validator(mode="after")
    def _identifiers_once(self) -> Subject:
        repeats = _repeats((i.system, i.value) for i in self.identifiers)
        if repeats:
            raise _FieldRuleError(*((("identifiers", i), "repeats an identifier given before") for i in repeats))
        return self

    def is_child_on(self, day: date) -> bool:
        """Whether the person is under 18 on ``day``."""
        return day < eighteenth_birthday(self.date_of_birth)

    def display_identifiers(self) -> dict[str, str]:
        """The first identifier of each system, in order: ``{"noms": "A4821KD", "nhs": "9434765919"}``."""
        shown: dict[str, str] = {}
        for identifier in self.identifiers:
            shown.setdefault(identifier.system, identifier.value)
        return shown

    def display_name(self) -> str:
        """The name to address the person by: their preferred name, else their given and family names."""
        if self.preferred_name is not None:
            return self.preferred_name
        return " ".join((*self.given_names, self.family_name))


class AboutMe(ContentModel):
    """The person's own account: who they are, how they communicate, pain and distress, what helps."""

    summary: Text | None = None
    communication: Text | None = None
    pain_and_distress: Text | None = None
    what_helps: Text | None = None
    routines: Text | None = None
    likes: tuple[ShortText, ...] = Field(default=(), max_length=MAX_SHORT_LIST_ITEMS)
    dislikes: tuple[ShortText, ...] = Field(default=(), max_length=MAX_SHORT_LIST_ITEMS)


class Communication(ContentModel):
    """Communication support: interpreter, BSL, easy read, large print, hearing loop, literacy support."""

    # The language an interpreter must speak; None when no interpreter is needed. BSL is recorded apart.
    interpreter: LanguageTag | None = None
    bsl: StrictBool = False
    easy_read: StrictBool = False
    large_print: StrictBool = False
    hearing_loop: StrictBool = False
    literacy_support: StrictBool = False
    summary: Text | None = None
