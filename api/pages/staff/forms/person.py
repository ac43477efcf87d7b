"""The forms of the sections about the person and their future: who they are, about me, communication and the
release plan. Fields follow ``schemas/person.py`` and ``schemas/care.py``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from api.pages.staff.forms.fields import (
    Field,
    Group,
    Part,
    SectionForm,
    Values,
    as_text,
    chosen,
    compact,
    lines,
    text,
)
from api.pages.staff.words import council_options, options

IDENTIFIER_FIELDS = (
    ("noms", "Prison number (NOMS)"),
    ("nhs", "NHS number"),
    ("pnc", "PNC number"),
    ("chi", "CHI number"),
)
_OTHER_IDENTIFIER = re.compile(r"^(noms|nhs|pnc|chi)\s+(\S+)$", re.IGNORECASE)

# Who the person is ----------------------------------------------------------------------------------------------


def subject_parts(content: Mapping[str, Any], values: Values) -> tuple[Part, ...]:
    """The fields of ``subject``: identifiers, names, date of birth and language."""
    return (
        Group(
            "Numbers that identify the person",
            (
                Field(
                    "noms", "Prison number (NOMS)", hint="One letter, four digits, two letters: A1234BC.", short=True
                ),
                Field("nhs", "NHS number", hint="Ten digits, no spaces.", short=True),
                Field("pnc", "PNC number", optional=True, hint="For example 2011/0012345K.", short=True),
                Field("chi", "CHI number", optional=True, hint="Scotland only. Ten digits.", short=True),
                Field(
                    "other_identifiers",
                    "Other numbers they have had",
                    "lines",
                    optional=True,
                    hint="One a line: the kind of number, a space, the number. For example: noms A1234BC",
                ),
            ),
            name="identifiers",
        ),
        Group(
            "Name and language",
            (
                Field("family_name", "Family name"),
                Field("given_names", "Given names", optional=True, hint="Separate names with a space."),
                Field("preferred_name", "Preferred name", optional=True, hint="What they like to be called."),
                Field("date_of_birth", "Date of birth", "date"),
                Field(
                    "language",
                    "Language",
                    hint="A language code: en English, cy Welsh, pl Polish, ro Romanian.",
                    short=True,
                ),
            ),
            name="names",
        ),
    )


def subject_values(subject: Mapping[str, Any]) -> Values:
    """The subject as its form shows it (the first number of each kind in its own box, the rest as lines)."""
    values: Values = {name: "" for name, _ in IDENTIFIER_FIELDS}
    others: list[str] = []
    for identifier in subject.get("identifiers", []):
        system, value = identifier.get("system"), identifier.get("value")
        if system in values and not values[system]:
            values[system] = as_text(value)
        else:
            others.append(f"{system} {value}")
    values["other_identifiers"] = "\n".join(others)
    values["given_names"] = " ".join(subject.get("given_names", []))
    for name in ("family_name", "preferred_name", "date_of_birth", "language"):
        values[name] = as_text(subject.get(name))
    return values


def _identifiers(values: Values) -> list[tuple[str, str, str]]:
    """(system, value, field) for each number given, in the order the form shows them."""
    found = [(name, value, name) for name, _ in IDENTIFIER_FIELDS if (value := text(values, name))]
    for line in lines(values, "other_identifiers"):
        match = _OTHER_IDENTIFIER.match(line)
        # A line that is not "kind number" is kept whole as a NOMS number, so the schema names what is wrong.
        system, value = (match[1].lower(), match[2]) if match else ("noms", line)
        found.append((system, value, "other_identifiers"))
    return found


def build_subject(values: Values) -> dict[str, Any]:
    """The ``subject`` section from its form."""
    return compact(
        {
            "identifiers": [{"system": system, "value": value} for system, value, _ in _identifiers(values)],
            "family_name": text(values, "family_name"),
            "given_names": (text(values, "given_names") or "").split(),
            "preferred_name": text(values, "preferred_name"),
            "date_of_birth": text(values, "date_of_birth"),
            "language": text(values, "language"),
        }
    )


def subject_renames(values: Values) -> dict[str, str]:
    """Where each identifier's errors go: identifiers.0 -> noms."""
    return {f"identifiers.{i}": field for i, (_, _, field) in enumerate(_identifiers(values))}


SUBJECT = SectionForm(
    section="subject",
    title="Who the person is",
    one="person",
    parts=subject_parts,
    to_values=subject_values,
    from_values=build_subject,
    describe=lambda subject: " ".join((*subject.get("given_names", []), as_text(subject.get("family_name")))),
    renames=subject_renames,
    defaults={"language": "en"},
)

# About me -------------------------------------------------------------------------------------------------------

_ABOUT_TEXTS = (
    ("summary", "Who I am"),
    ("communication", "How to talk with me"),
    ("pain_and_distress", "How I show pain or distress"),
    ("what_helps", "What helps me"),
    ("routines", "My routines"),
)

ABOUT_ME = SectionForm(
    section="about_me",
    title="About me",
    one="about me",
    parts=lambda content, values: (
        *(Field(name, label, "textarea", optional=True) for name, label in _ABOUT_TEXTS),
        Field("likes", "Things I like", "lines", optional=True, hint="One a line."),
        Field("dislikes", "Things I do not like", "lines", optional=True, hint="One a line."),
    ),
    describe=lambda about: "about me",
)

# Communication --------------------------------------------------------------------------------------------------

_SUPPORT = (
    ("bsl", "British Sign Language (BSL) interpreter"),
    ("easy_read", "Easy read"),
    ("large_print", "Large print"),
    ("hearing_loop", "Hearing loop"),
    ("literacy_support", "Help with reading and writing"),
)

COMMUNICATION = SectionForm(
    section="communication",
    title="Communication",
    one="communication",
    parts=lambda content, values: (
        Field(
            "interpreter",
            "Language an interpreter must speak",
            optional=True,
            short=True,
            hint="A language code such as pl (Polish). Leave blank if no interpreter is needed. BSL is below.",
        ),
        Field("support", "Support they need", "checkboxes", _SUPPORT, hint="Tick all that apply."),
        Field("summary", "Notes", "textarea", optional=True),
    ),
    to_values=lambda c: {
        "interpreter": as_text(c.get("interpreter")),
        "support": [name for name, _ in _SUPPORT if c.get(name) is True],
        "summary": as_text(c.get("summary")),
    },
    from_values=lambda v: compact(
        {
            "interpreter": text(v, "interpreter"),
            **{name: name in chosen(v, "support") for name, _ in _SUPPORT},
            "summary": text(v, "summary"),
        }
    ),
    describe=lambda c: "communication",
    renames=lambda values: {name: "support" for name, _ in _SUPPORT},
)

# Release plan ---------------------------------------------------------------------------------------------------

# A row's index is at most three ASCII digits (the form draws 50 rows): int() of a key a browser may forge stays
# cheap and never fails (Python refuses over 4300 digits), and \d would also take other scripts' digits. A key
# outside this is not a row of the form, so it is ignored like any other unknown field.
_REFERRAL_ROW = re.compile(r"^referrals\.([0-9]{1,3})\.to$")
_REFERRAL_KEY = re.compile(r"^referrals\.([0-9]{1,3})\.")
_BLANK_REFERRAL_ROWS = 2
# The release plan's fields of one value each, kept as typed or chosen.
_RELEASE_TEXTS = (
    "expected_date",
    "release_type",
    "destination_authority",
    "contact",
    "accommodation",
    "destination_notified_on",
)


def _referral_rows(content: Mapping[str, Any], values: Values) -> int:
    stored = len((content.get("release_plan") or {}).get("referrals", []))
    sent = [int(m[1]) + 1 for key in values if (m := _REFERRAL_ROW.match(key))]
    return min(max([stored, *sent]) + _BLANK_REFERRAL_ROWS, 50)


def _release_parts(content: Mapping[str, Any], values: Values) -> tuple[Part, ...]:
    referrals = tuple(
        Group(
            f"Referral {i + 1}",
            (
                Field(f"referrals.{i}.to", "Referred to", optional=True, hidden_label=f"(referral {i + 1})"),
                Field(f"referrals.{i}.made_on", "Date made", "date", optional=True, hidden_label=f"(referral {i + 1})"),
                Field(f"referrals.{i}.note", "Note", "textarea", optional=True, hidden_label=f"(referral {i + 1})"),
            ),
            hint="Leave blank if not needed." if i == 0 else "",
            name=f"referral-{i}",
        )
        for i in range(_referral_rows(content, values))
    )
    stored = (content.get("release_plan") or {}).get("destination_authority")
    return (
        Field("expected_date", "Expected release date", "date", optional=True),
        # "Not decided yet" is a choice of its own (a blank value), so a type chosen by mistake can be taken back.
        Field(
            "release_type",
            "Type of release",
            "radios",
            (*options("release_type"), ("", "Not decided yet")),
            optional=True,
            optional_text="",
        ),
        Field(
            "destination_authority",
            "Council they are going to",
            "select",
            council_options(stored),
            optional=True,
            hint="Councils in England, Wales and Scotland, by name. Type the first letters of the name to go to it.",
        ),
        Field(
            "contact",
            "Who the council should contact here",
            optional=True,
            hint="A team and how to reach it. For example: Offender management unit, 01695 555 000.",
        ),
        Field("accommodation", "Where they will live", "textarea", optional=True),
        Field(
            "destination_notified_on",
            "Date that council was told",
            "date",
            optional=True,
            hint="The council must be told before release (Care and Support Statutory Guidance, chapter 17).",
        ),
        *referrals,
        Field("to_arrange", "Still to arrange", "lines", optional=True, hint="One thing a line."),
    )


def _release_values(plan: Mapping[str, Any]) -> Values:
    values: Values = {name: as_text(plan.get(name)) for name in _RELEASE_TEXTS}
    for i, referral in enumerate(plan.get("referrals", [])):
        for name in ("to", "made_on", "note"):
            values[f"referrals.{i}.{name}"] = as_text(referral.get(name))
    values["to_arrange"] = "\n".join(plan.get("to_arrange", []))
    return values


def _referral_indexes(values: Values) -> list[int]:
    rows = sorted({int(m[1]) for key in values if (m := _REFERRAL_KEY.match(key))})
    return [i for i in rows if any(text(values, f"referrals.{i}.{name}") for name in ("to", "made_on", "note"))]


def _build_release(values: Values) -> dict[str, Any]:
    referrals = [
        compact({name: text(values, f"referrals.{i}.{name}") for name in ("to", "made_on", "note")})
        for i in _referral_indexes(values)
    ]
    return compact(
        {
            **{name: text(values, name) for name in _RELEASE_TEXTS},
            "referrals": referrals,
            "to_arrange": lines(values, "to_arrange"),
        }
    )


RELEASE_PLAN = SectionForm(
    section="release_plan",
    title="Release plan",
    one="release plan",
    parts=_release_parts,
    to_values=_release_values,
    from_values=_build_release,
    describe=lambda plan: "release plan",
    # A blank row is skipped, so referral 2 of the form may be referrals.0 of the plan.
    renames=lambda values: {f"referrals.{n}": f"referrals.{i}" for n, i in enumerate(_referral_indexes(values))},
)
