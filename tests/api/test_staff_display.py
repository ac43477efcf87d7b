"""The record as staff read it, without a browser: items named by what they are (never by id), organisations by
name, and reviews tagged "Overdue" or "Due soon" on a fixed date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from api.pages.staff.display import Section, record_context, show_section
from api.pages.staff.forms import FORMS
from api.pages.staff.reviews import DUE, OVERDUE, review_due, tag_for
from api.pages.staff.words import organisation
from passport.services import StoredVersion
from schemas import content_to_claims, parse_content
from tests.conftest import reference_passport

NAMES = {"prison:WYI": "HMP Wymott"}  # as this deployment was set up
TODAY = date(2026, 12, 2)  # seven months after the wheelchair's review was due


def _stored(content: dict[str, Any]) -> StoredVersion:
    return StoredVersion(
        pid="3f1f7a52-4d1e-4d8a-9b0e-2f5c1a7d9e10",
        ver=1,
        digest="d" * 43,
        prev=None,
        issuer="prison:WYI",
        issued_at=datetime(2026, 11, 1, tzinfo=UTC),
        custody_next=None,
        sd_jwt="",
        content=content_to_claims(parse_content(content)),
    )


def _context(content: dict[str, Any], today: date = TODAY) -> dict[str, Any]:
    stored = _stored(content)
    return record_context(stored, stored.parsed, NAMES, today=today)


def _texts(context: dict[str, Any]) -> list[str]:
    """Every word the record shows: titles, names, rows (labels, values, entries), who recorded what."""
    texts = [context["issuer"]]
    rows = [*context["subject"].rows, *context["consent_rows"]]
    sections: list[Section] = context["sections"]
    for section in sections:
        for item in section.shown:
            texts += [item.title, item.name, item.recorded]
            rows += item.rows
    for row in rows:
        texts += [row.label, row.text, *row.entries]
    return texts


@pytest.mark.parametrize(
    ("due", "tag"),
    [
        (date(2026, 5, 1), OVERDUE),
        (date(2026, 12, 1), OVERDUE),
        (date(2026, 12, 2), DUE),  # due today is not yet overdue
        (date(2027, 1, 1), DUE),  # 30 days on
        (date(2027, 1, 2), ""),
        (None, ""),
    ],
)
def test_a_review_is_overdue_after_its_day_and_due_soon_within_30_days(due: date | None, tag: str) -> None:
    """The tag depends only on the review's day and today."""
    assert tag_for(due, TODAY) == tag


def test_which_items_have_a_review_day() -> None:
    """Equipment's own review date; a year after a Care Act assessment (29 February's is the 28th); nothing else."""
    assert review_due("equipment", {"review_due": "2026-05-01"}) == date(2026, 5, 1)
    assert review_due("equipment", {}) is None
    assert review_due("assessments", {"kind": "care_act_needs_assessment", "date": "2024-02-29"}) == date(2025, 2, 28)
    assert review_due("assessments", {"kind": "memory_assessment", "date": "2025-06-20"}) is None
    assert review_due("needs", {"review_due": "2026-05-01"}) is None


def test_the_reference_passports_overdue_reviews_are_flagged() -> None:
    """The wheelchair's review (1 May 2026) and the Care Act assessment's (2 May 2026) are overdue on
    2 December 2026, each tagged beside its date and listed, earliest first."""
    context = _context(reference_passport())
    reviews = context["reviews"]
    assert [(r.section, r.key, r.tag, r.due) for r in reviews] == [
        ("equipment", "e1", OVERDUE, date(2026, 5, 1)),
        ("assessments", "a1", OVERDUE, date(2026, 5, 2)),
    ]
    assert reviews[0].title == "Item of equipment: Self-propelled wheelchair"
    equipment = next(s for s in context["sections"] if s.form.section == "equipment")
    row = next(r for r in equipment.shown[0].rows if r.label == "Review due")
    assert (row.text, row.tag) == ("1 May 2026", OVERDUE)
    assert all(r.tag == "" for item in equipment.shown[1:] for r in item.rows)


def test_nothing_is_flagged_before_it_is_close() -> None:
    """A year earlier nothing is due; three weeks before the wheelchair's day it is due soon."""
    assert _context(reference_passport(), date(2025, 12, 2))["reviews"] == []
    soon = _context(reference_passport(), date(2026, 4, 10))["reviews"]
    assert [(r.key, r.tag) for r in soon] == [("e1", DUE), ("a1", DUE)]


def test_items_and_organisations_are_named_never_coded() -> None:
    """No item id and no organisation id anywhere in the record as shown."""
    context = _context(reference_passport())
    texts = _texts(context)
    shown = " | ".join(texts)
    for code in ("la:E07000127", "la:E08000012", "health:RW4", "prison:WYI"):
        assert code not in shown
    for item_id in ("n1", "n2", "n5", "e1", "a1", "a3", "s4", "w1"):
        assert not any(item_id in text.split() or f"{item_id}:" in text for text in texts), item_id
    assert "Assessed by" in shown and "West Lancashire Council" in shown
    assert "Liverpool City Council" in shown and "Mersey Care NHS Foundation Trust" in shown
    card = next(r for r in context["consent_rows"] if r.label.startswith("The card"))
    assert card.entries[1] == (
        "Kept from them: Need: Memory and understanding: Mild dementia (diagnosed 2023). "
        "Forgets medication times and appointments."
    )
    needs = show_section(FORMS["needs"], context["stored"].content, NAMES, TODAY)
    assert needs[0].name == "Need: Maintaining personal hygiene: Needs help to wash and shower safely."


def test_an_organisation_nobody_knows_is_said_by_kind_with_its_id() -> None:
    """The fallback names the kind of organisation, and gives staff the id to look up."""
    assert organisation("la:E09999999") == "a council (la:E09999999)"
    assert organisation("prison:RSY", {"prison:RSY": "HMP Risley"}) == "HMP Risley"
    assert organisation("la:E07000127") == "West Lancashire Council"
