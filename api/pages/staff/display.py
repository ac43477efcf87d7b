"""The passport as staff read it: each section and item as rows of label and value, drawn from the same field
definitions as the forms, so that everything a form can record is also shown (on screen and on the A4 print).
``record_context`` is the whole record, for the pages that show it all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from api.pages.staff.amend import item_key
from api.pages.staff.forms import FORMS
from api.pages.staff.forms.fields import Field, SectionForm, fields_of
from api.pages.staff.page import person_name
from api.pages.staff.words import CARE_ACT_OUTCOME_WORDS, WORDS, day, say
from passport.services import StoredVersion
from schemas import AUDIENCES, PassportContent


@dataclass(frozen=True)
class Row:
    """One line of a record: a label and its text, or its list of entries."""

    label: str
    text: str = ""
    entries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shown:
    """One item (or a whole one-part section) as shown: how pages name it, a title, its rows, who recorded it."""

    key: str
    title: str
    rows: tuple[Row, ...]
    recorded: str = ""


@dataclass(frozen=True)
class Section:
    """A section of the record as the passport page shows it."""

    form: SectionForm
    shown: list[Shown]


def record_sections(content: dict[str, object], names: dict[str, str]) -> list[Section]:
    """Every section after ``subject``, in passport order (consent is shown apart)."""
    return [Section(form, show_section(form, content, names)) for form in FORMS.values() if form.section != "subject"]


def consent_rows(content: PassportContent) -> list[Row]:
    """Per audience, what it may see now and the items kept from it."""
    consent = content.consent
    rows = []
    for audience in AUDIENCES:
        permitted = [say("section", s) for s in consent.permitted_sections(audience)]
        withheld = sorted(consent.withheld_items(audience))
        text = ", ".join(permitted) if permitted else "Nothing"
        if withheld and permitted:
            text += f". Kept from them: {', '.join(withheld)}"
        rows.append(Row(say("audience", audience), text))
    return rows


def record_context(stored: StoredVersion, content: PassportContent, names: dict[str, str]) -> dict[str, Any]:
    """What every page that shows the whole record (the passport page, its A4 print) draws it from."""
    return {
        "stored": stored,
        "name": person_name(stored.content),
        "subject": show_section(FORMS["subject"], stored.content, names)[0],
        "sections": record_sections(stored.content, names),
        "consent": content.consent,
        "consent_rows": consent_rows(content),
        "issuer": organisation(stored.issuer, names),
    }


def organisation(org: object, names: Mapping[str, str]) -> str:
    """An organisation by its name where known, with its id: HMP Wymott (prison:WYI)."""
    text = str(org)
    return f"{names[text]} ({text})" if text in names else text


def show_section(form: SectionForm, content: Mapping[str, Any], names: Mapping[str, str]) -> list[Shown]:
    """A section's items (or the section itself), each as rows; an absent or empty section is no items."""
    value = content.get(form.section)
    if not value:
        return []
    if not form.is_list:
        return [Shown(form.section, form.title, _rows(form, content, value, names))]
    shown = []
    for i, item in enumerate(value):
        title = form.describe(item)
        # A row the title already says (the need's summary, the item's name) is not said twice.
        rows = tuple(row for row in _rows(form, content, item, names) if not (row.text and row.text in title))
        shown.append(Shown(item_key(item, i), title, rows, _recorded(item, names)))
    return shown


def _rows(
    form: SectionForm, content: Mapping[str, Any], item: Mapping[str, Any], names: Mapping[str, str]
) -> tuple[Row, ...]:
    values = form.values_of(item)
    rows: list[Row] = []
    for f in fields_of(form.parts(content, values)):
        if f.kind == "hidden" or f.name.startswith("outcomes."):
            continue
        row = _row(f, values.get(f.name), names)
        if row is not None:
            rows.append(row)
    if isinstance(item.get("outcomes"), Mapping):
        rows[2:2] = _outcome_rows(item["outcomes"])
    return tuple(rows)


def _row(f: Field, value: object, names: Mapping[str, str]) -> Row | None:
    label = f"{f.label} {f.hidden_label}".strip()
    if isinstance(value, list):
        chosen = dict(f.options)
        return Row(label, entries=tuple(chosen.get(str(v), str(v)) for v in value)) if value else None
    if not value:
        return None
    text = str(value)
    if f.kind in ("select", "radios"):
        return Row(label, dict(f.options).get(text, text))
    if f.kind == "date":
        return Row(label, day(text))
    if f.kind == "lines":
        return Row(label, entries=tuple(text.splitlines()))
    if f.name in ("by", "authority", "assessed_by", "destination_authority"):
        return Row(label, organisation(text, names))
    if f.name in ("language", "interpreter") and text in WORDS["language"]:
        return Row(label, f"{WORDS['language'][text]} ({text})")
    return Row(label, text)


def _outcome_rows(outcomes: Mapping[str, Any]) -> list[Row]:
    # Ten outcomes as twenty rows would bury the answer; those not achieved (with why) come first.
    unable = tuple(
        f"{CARE_ACT_OUTCOME_WORDS.get(code, code)}: {say('unable_reason', o.get('reason')).lower()}"
        for code, o in outcomes.items()
        if not o.get("able")
    )
    able = tuple(CARE_ACT_OUTCOME_WORDS.get(code, code) for code, o in outcomes.items() if o.get("able"))
    return [
        Row("Outcomes they cannot achieve", entries=unable or ("None",)),
        Row("Outcomes they can achieve", entries=able),
    ]


def _recorded(item: Mapping[str, Any], names: Mapping[str, str]) -> str:
    by, at = item.get("recorded_by"), item.get("recorded_at")
    if not isinstance(by, Mapping) or not at:
        return ""
    return f"Recorded {day(at)} by {organisation(by.get('org'), names)}, {say('role', by.get('role'))}"
