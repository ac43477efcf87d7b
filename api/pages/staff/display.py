"""The passport as staff read it: each section and item as rows of label and value, drawn from the same field
definitions as the forms, so that everything a form can record is also shown (on screen and on the A4 print).
``record_context`` is the whole record, for the pages that show it all. Items are named by what they are (their
section's noun and their description), never by their internal ids; reviews that are due are tagged."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from api.pages.staff.amend import item_key
from api.pages.staff.forms import FORMS
from api.pages.staff.forms.fields import Field, SectionForm, fields_of
from api.pages.staff.page import person_name
from api.pages.staff.reviews import Review, review_due, tag_for
from api.pages.staff.reviews import today as server_today
from api.pages.staff.words import CARE_ACT_OUTCOME_WORDS, WORDS, day, organisation, say
from passport.core import transition_assessment_due
from passport.services import StoredVersion
from schemas import AUDIENCES, Consent, PassportContent, eighteenth_birthday


@dataclass(frozen=True)
class Row:
    """One line of a record: a label and its text, or its list of entries."""

    label: str
    text: str = ""
    entries: tuple[str, ...] = ()
    tag: str = ""  # "Overdue" or "Due soon", beside a review's date


@dataclass(frozen=True)
class Shown:
    """One item (or a whole one-part section) as shown: how pages name it, a title, its rows, who recorded it."""

    key: str
    title: str
    rows: tuple[Row, ...]
    recorded: str = ""
    name: str = ""  # the item as a link or a list names it: "Need: Mobility: Uses a wheelchair ..."
    review: Review | None = None  # its review, when that is overdue or due soon


@dataclass(frozen=True)
class Section:
    """A section of the record as the passport page shows it."""

    form: SectionForm
    shown: list[Shown]


def record_sections(content: dict[str, object], names: dict[str, str], today: date) -> list[Section]:
    """Every section after ``subject``, in passport order (consent is shown apart)."""
    return [
        Section(form, show_section(form, content, names, today)) for form in FORMS.values() if form.section != "subject"
    ]


def item_names(content: Mapping[str, Any]) -> dict[str, str]:
    """Every item with an id, by its id, as pages name it ("Need: Mobility: Uses a wheelchair ...")."""
    return {
        item["id"]: FORMS[form.section].named(item)
        for form in FORMS.values()
        if form.is_list
        for item in content.get(form.section) or ()
        if isinstance(item.get("id"), str)
    }


def consent_rows(content: PassportContent, named: Mapping[str, str]) -> list[Row]:
    """Per audience, what it may see now and the items kept from it, by ``named`` (:func:`item_names`)."""
    consent = content.consent
    rows = []
    for audience in AUDIENCES:
        permitted = [say("section", s) for s in consent.permitted_sections(audience)]
        text = ", ".join(permitted) if permitted else "Nothing"
        withheld = sorted(consent.withheld_items(audience)) if permitted else []
        kept = tuple(f"Kept from them: {named.get(item, 'an item no longer in the passport')}" for item in withheld)
        label = say("audience", audience)
        rows.append(Row(label, entries=(text, *kept)) if kept else Row(label, text))
    return rows


def consent_given(consent: Consent) -> str:
    """Who gave consent, as a sentence ("" when the record does not say, as records made before it was asked)."""
    if consent.given_by == "parental_responsibility":
        return f"Given for them by {consent.given_by_name}, who has parental responsibility (they are under 18)."
    return "Given by the person." if consent.given_by == "person" else ""


@dataclass(frozen=True)
class Transition:
    """A young person who turns 18 around their release, when adult care must be ready (Care Act 2014 s.58)."""

    turns_18: date
    release: date


def transition_flag(content: PassportContent) -> Transition | None:
    """The transition assessment the passport flags, by the same rule the release notice follows; ``None`` when
    there is no release date or the person does not turn 18 around it."""
    plan = content.release_plan
    if plan is None or plan.expected_date is None:
        return None
    born = content.subject.date_of_birth
    if not transition_assessment_due(born, plan.expected_date):
        return None
    return Transition(eighteenth_birthday(born), plan.expected_date)


def reviews_due(sections: list[Section]) -> list[Review]:
    """The items whose review is overdue or due soon, the earliest first."""
    found = [item.review for section in sections for item in section.shown if item.review is not None]
    return sorted(found, key=lambda review: review.due)


def record_context(
    stored: StoredVersion, content: PassportContent, names: dict[str, str], today: date | None = None
) -> dict[str, Any]:
    """What every page that shows the whole record (the passport page, its A4 print) draws it from; ``today``
    (the server's date unless given) decides which reviews are overdue."""
    on = today or server_today()
    sections = record_sections(stored.content, names, on)
    return {
        "stored": stored,
        "name": person_name(stored.content),
        "subject": show_section(FORMS["subject"], stored.content, names, on)[0],
        "sections": sections,
        "reviews": reviews_due(sections),
        "consent": content.consent,
        "consent_rows": consent_rows(content, item_names(stored.content)),
        "consent_given": consent_given(content.consent),
        "transition": transition_flag(content),
        "issuer": organisation(stored.issuer, names),
    }


def show_section(
    form: SectionForm, content: Mapping[str, Any], names: Mapping[str, str], today: date | None = None
) -> list[Shown]:
    """A section's items (or the section itself), each as rows; an absent or empty section is no items. A
    review's date is tagged when it is overdue or due soon on ``today`` (the server's date unless given)."""
    value = content.get(form.section)
    if not value:
        return []
    if not form.is_list:
        return [Shown(form.section, form.title, _rows(form, content, value, names, None))]
    on = today or server_today()
    shown = []
    for i, item in enumerate(value):
        key, title, name = item_key(item, i), form.describe(item), form.named(item)
        due = review_due(form.section, item)
        tag = tag_for(due, on)
        review = _review_row(form.section, due, tag)
        # A row the title already says (the need's summary, the item's name) is not said twice.
        rows = tuple(row for row in _rows(form, content, item, names, review) if not (row.text and row.text in title))
        flagged = Review(form.section, key, name, due, tag) if due is not None and tag else None
        shown.append(Shown(key, title, rows, _recorded(item, names), name, flagged))
    return shown


def _review_row(section: str, due: date | None, tag: str) -> Row | None:
    if due is None:
        return None
    # Equipment records its own review date; an assessment's is worked out (reviews.py says how).
    text = day(due.isoformat()) if section == "equipment" else f"{day(due.isoformat())}, a year after the assessment"
    return Row("Review due", text, tag=tag)


def _rows(
    form: SectionForm,
    content: Mapping[str, Any],
    item: Mapping[str, Any],
    names: Mapping[str, str],
    review: Row | None,
) -> tuple[Row, ...]:
    values = form.values_of(item)
    rows: list[Row] = []
    for f in fields_of(form.parts(content, values)):
        if f.kind == "hidden" or f.name.startswith("outcomes."):
            continue
        # The review's own row (with its tag) stands where the form has the review date, or else at the end.
        row = review if f.name == "review_due" else _row(f, values.get(f.name), names)
        if row is not None:
            rows.append(row)
    if review is not None and review not in rows:
        rows.append(review)
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
    # An organisation by name, as this service knows it first, whether typed or chosen from a list of councils.
    if f.name in ("by", "authority", "assessed_by", "destination_authority"):
        return Row(label, organisation(text, names))
    if f.kind in ("select", "radios"):
        return Row(label, dict(f.options).get(text, text))
    if f.kind == "date":
        return Row(label, day(text))
    if f.kind == "lines":
        return Row(label, entries=tuple(text.splitlines()))
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
