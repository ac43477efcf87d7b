"""Young people in the children and young people's secure estate: a child-in-need assessment (Children Act 1989
s.17) as its own eligibility scheme, and consent given by the young person or someone with parental
responsibility. Both hold only while the person is under 18."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from schemas import ChildInNeedAssessment, InvalidContent, content_to_claims, eighteenth_birthday, parse_content

REFERENCE = Path(__file__).parent.parent / "assets" / "reference-passport.json"
BORN = "2009-06-30"  # 18 on 2027-06-30

CHILD_IN_NEED: dict[str, Any] = {
    "scheme": "england_children_act_1989",
    "assessed_by": "la:E08000012",
    "assessed_on": "2025-09-01",
    "child_in_need": True,
    "plan_summary": "Speech and language therapy; a key worker; contact with his mother weekly.",
}


def young_person(**changes: Any) -> dict[str, Any]:
    """The reference passport for a person born on ``BORN``, with ``changes`` to its sections."""
    data: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    data["subject"]["date_of_birth"] = BORN
    data.update(changes)
    return data


def with_consent(**fields: Any) -> dict[str, Any]:
    data = young_person()
    data["consent"] = {**data["consent"], **fields}
    return data


def errors_of(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(InvalidContent) as caught:
        parse_content(data)
    return {e["field"]: e["message"] for e in caught.value.errors}


def test_a_child_in_need_assessment_is_its_own_scheme_kept_as_made() -> None:
    content = parse_content(young_person(eligibility=[CHILD_IN_NEED]))
    (decision,) = content.eligibility
    assert isinstance(decision, ChildInNeedAssessment)
    assert decision.child_in_need and decision.eligible  # services may be given to a child in need (s.17(1))
    assert content_to_claims(content)["eligibility"] == [CHILD_IN_NEED]
    assert parse_content(content_to_claims(content)) == content
    not_in_need = {**CHILD_IN_NEED, "child_in_need": False}
    del not_in_need["plan_summary"]
    assert not parse_content(young_person(eligibility=[not_in_need])).eligibility[0].eligible


@pytest.mark.parametrize(
    ("change", "field", "said"),
    [
        ({"child_in_need": "yes"}, "eligibility.0.child_in_need", "valid boolean"),
        ({"assessed_by": "prison:WYI"}, "eligibility.0.assessed_by", "la:"),
        ({"plan_summary": "  "}, "eligibility.0.plan_summary", "blank"),
        ({"eligible": True}, "eligibility.0.eligible", "Extra inputs"),  # an adult scheme's field
        ({"band": "critical"}, "eligibility.0.band", "Extra inputs"),
        ({"child_in_need": False}, "eligibility.0.plan_summary", "absent when child_in_need is false"),
        ({"assessed_on": "2027-06-30"}, "eligibility.0.assessed_on", "before the person turned 18"),
    ],
)
def test_a_bad_child_in_need_assessment_is_refused_naming_its_field(
    change: dict[str, Any], field: str, said: str
) -> None:
    found = errors_of(young_person(eligibility=[{**CHILD_IN_NEED, **change}]))
    assert field in found, found
    assert said.lower() in found[field].lower()


def test_a_child_in_need_assessment_needs_its_finding() -> None:
    bare = {k: v for k, v in CHILD_IN_NEED.items() if k not in ("child_in_need", "plan_summary")}
    assert "eligibility.0.child_in_need" in errors_of(young_person(eligibility=[bare]))


def test_the_reference_passport_is_valid_unchanged_and_says_nothing_of_who_gave_consent() -> None:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    content = parse_content(data)
    assert content.consent.given_by is None and content.consent.given_by_name is None
    claims = content_to_claims(content)
    assert "given_by" not in claims["consent"] and "given_by_name" not in claims["consent"]
    assert parse_content(claims) == content


def test_consent_says_who_gave_it() -> None:
    given = parse_content(with_consent(given_by="parental_responsibility", given_by_name="Sam Jones, mother")).consent
    assert (given.given_by, given.given_by_name) == ("parental_responsibility", "Sam Jones, mother")
    assert parse_content(with_consent(given_by="person")).consent.given_by == "person"
    claims = content_to_claims(parse_content(with_consent(given_by="parental_responsibility", given_by_name="X")))
    assert claims["consent"]["given_by"] == "parental_responsibility"


@pytest.mark.parametrize(
    ("fields", "field", "said"),
    [
        ({"given_by": "mother"}, "consent.given_by", "'person' or 'parental_responsibility'"),
        ({"given_by": "parental_responsibility"}, "consent.given_by_name", "required"),
        ({"given_by": "person", "given_by_name": "Sam Jones"}, "consent.given_by_name", "must be absent"),
        ({"given_by_name": "Sam Jones"}, "consent.given_by_name", "must be absent"),
        ({"given_by": "parental_responsibility", "given_by_name": "x" * 201}, "consent.given_by_name", "at most"),
    ],
)
def test_bad_consent_givers_are_refused_naming_the_field(fields: dict[str, Any], field: str, said: str) -> None:
    found = errors_of(with_consent(**fields))
    assert field in found, found
    assert said.lower() in found[field].lower()


def test_parental_responsibility_ends_at_18() -> None:
    """Consent recorded on the 18th birthday or later cannot be given by someone with parental responsibility."""
    giver = {"given_by": "parental_responsibility", "given_by_name": "Sam Jones, mother"}
    assert parse_content(with_consent(**giver, recorded_at="2027-06-29")).consent.given_by == "parental_responsibility"
    found = errors_of(with_consent(**giver, recorded_at="2027-06-30"))
    assert "only while the person is under 18" in found["consent.given_by"]


def test_the_eighteenth_birthday_of_a_leap_day_baby_is_the_first_of_march() -> None:
    assert eighteenth_birthday(date(2008, 2, 29)) == date(2026, 3, 1)
    assert eighteenth_birthday(date(2009, 6, 30)) == date(2027, 6, 30)
