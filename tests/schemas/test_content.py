"""The passport content: the reference passport, the canonical form, and what is refused, field by field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from schemas import (
    InvalidContent,
    PassportContent,
    PassportError,
    content_to_claims,
    parse_content,
)

REFERENCE = Path(__file__).parent.parent / "assets" / "reference-passport.json"

Mutation = Callable[[dict[str, Any]], object]


def reference() -> dict[str, Any]:
    """A fresh copy of the reference passport, as JSON data."""
    data: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return data


def _mutated(mutate: Mutation) -> dict[str, Any]:
    data = reference()
    mutate(data)
    return data


def refused(mutate: Mutation) -> InvalidContent:
    """Parse the reference passport after ``mutate`` and return the error it must raise."""
    with pytest.raises(InvalidContent) as caught:
        parse_content(_mutated(mutate))
    return caught.value


def fields(error: PassportError) -> list[str]:
    return [e["field"] for e in error.errors]


# The reference passport


def test_reference_passport_is_accepted_unchanged() -> None:
    text = REFERENCE.read_bytes()
    content = parse_content(text)
    assert isinstance(content, PassportContent)
    assert parse_content(reference()) == content
    assert parse_content(text.decode("utf-8")) == content
    assert parse_content(MappingProxyType(reference())) == content
    assert content.subject.family_name == "Whitfield"
    assert [n.domain for n in content.needs][:2] == ["maintaining_personal_hygiene", "mobility"]


def test_reference_passport_round_trips() -> None:
    content = parse_content(reference())
    claims = content_to_claims(content)
    assert parse_content(claims) == content
    assert parse_content(json.dumps(claims)) == content
    assert content_to_claims(parse_content(claims)) == claims


def test_canonical_form_keeps_the_json_names_and_dates_and_leaves_out_nulls() -> None:
    claims = content_to_claims(parse_content(reference()))
    original = reference()
    assert claims["subject"] == original["subject"]
    assert claims["social_work"][0]["from"] == "2025-05-01"
    assert claims["responsibility"] == original["responsibility"]
    assert claims["eligibility"][0]["outcomes"] == original["eligibility"][0]["outcomes"]
    assert "interpreter" not in claims["communication"]
    assert "destination_notified_on" not in claims["release_plan"]
    assert claims["needs"] == original["needs"]
    assert claims["equipment"] == original["equipment"]


def test_content_is_frozen() -> None:
    content = parse_content(reference())
    with pytest.raises(ValueError, match="frozen"):
        content.subject.family_name = "Smith"  # type: ignore[misc]


def test_convenience_methods() -> None:
    content = parse_content(reference())
    assert content.item_ids() == (
        *("n1", "n2", "n3", "n4", "n5"),
        *("e1", "e2", "e3", "e4"),
        *("s1", "s2", "s3", "s4"),
        *("a1", "a2", "a3"),
        "w1",
    )
    assert content.subject.display_identifiers() == {
        "noms": "A4821KD",
        "nhs": "9434765919",
        "pnc": "2011/0012345K",
    }
    assert content.subject.display_name() == "Arthur"
    assert [(s, i) for s, i, _ in content.iter_items()][:2] == [("needs", 0), ("needs", 1)]
    assert content.consent.permitted_sections("probation") == ("release_plan",)
    assert content.consent.withheld_items("reception_card") == frozenset({"n5"})
    assert content.consent.permitted_sections("reception_card") == ("communication", "needs", "equipment")


def test_withdrawals_remove_sections() -> None:
    data = reference()
    data["consent"]["withdrawals"] = [
        {
            "audience": "reception_card",
            "section": "needs",
            "withdrawn_at": "2025-06-01",
            "recorded_by": {"org": "prison:WYI", "role": "person"},
        }
    ]
    content = parse_content(data)
    assert content.consent.permitted_sections("reception_card") == ("communication", "equipment")
    assert parse_content(content_to_claims(content)) == content


def test_minimal_content() -> None:
    data = reference()
    minimal = {"subject": data["subject"], "consent": {**data["consent"], "audiences": {}}}
    content = parse_content(minimal)
    assert content.needs == ()
    assert content.release_plan is None
    assert content.consent.permitted_sections("prison") == ()
    assert parse_content(content_to_claims(content)) == content


# Refusals, each naming the field


def set_field(path: str, value: object) -> Mutation:
    """A mutation that sets the field at a dotted path."""

    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("subject.identifiers.0.value", "A482KD", "subject.identifiers.0.value"),
        ("subject.identifiers.0.value", "a4821kd", "subject.identifiers.0.value"),
        ("subject.identifiers.1.value", "9434765918", "subject.identifiers.1.value"),
        ("subject.identifiers.2.value", "2011/0012345L", "subject.identifiers.2.value"),
        ("subject.identifiers.2", {"system": "chi", "value": "0101801239"}, "subject.identifiers.2.value"),
        ("subject.identifiers.2", {"system": "passport", "value": "X"}, "subject.identifiers.2"),
        ("needs.0.domain", "flying", "needs.0.domain"),
        ("needs.1.status", "pending", "needs.1.status"),
        ("equipment.0.category", "vehicle", "equipment.0.category"),
        ("equipment.0.owner", "hospital", "equipment.0.owner"),
        ("equipment.0.follows_person", "yes", "equipment.0.follows_person"),
        ("services.0.effectiveness", "great", "services.0.effectiveness"),
        ("assessments.0.kind", "horoscope", "assessments.0.kind"),
        ("assessments.0.by", "Leeds City Council", "assessments.0.by"),
        ("responsibility.0.authority", "prison:WYI", "responsibility.0.authority"),
        ("release_plan.destination_authority", "la:E0800001", "release_plan.destination_authority"),
        ("consent.how", "nodded", "consent.how"),
        ("consent.recorded_by.role", "governor", "consent.recorded_by.role"),
        ("consent.audiences.prison.permit", ["subject"], "consent.audiences.prison.permit.0"),
        ("consent.audiences.prison.permit", ["consent"], "consent.audiences.prison.permit.0"),
        ("consent.audiences.prison.permit", ["needs", "needs"], "consent.audiences.prison.permit.1"),
        ("consent.audiences.press", {"permit": []}, "consent.audiences.press"),
        ("services.2.end", "2025-05-01", "services.2.end"),
        ("social_work.0.to", "2024-01-01", "social_work.0.to"),
        ("subject.language", "English", "subject.language"),
        ("subject.family_name", "", "subject.family_name"),
        ("subject.family_name", "   ", "subject.family_name"),
        ("subject.family_name", "Whit\x00field", "subject.family_name"),
        ("subject.family_name", "Whit\x1bfield", "subject.family_name"),
        ("needs.0.summary", None, "needs.0.summary"),
        ("needs.0.id", "n 1", "needs.0.id"),
        ("needs.0.id", "-n1", "needs.0.id"),
        ("needs.0.source_assessment", "a9", "needs.0.source_assessment"),
        ("needs.0.recorded_by", "Jane Smith", "needs.0.recorded_by"),
    ],
)
def test_refused_naming_the_field(path: str, value: object, field: str) -> None:
    error = refused(set_field(path, value))
    assert field in fields(error)
    assert error.code == "invalid_content"


@pytest.mark.parametrize(
    "value",
    [
        "17/04/1949",
        "04/17/1949",
        "1949-4-17",
        "1949-04-7",
        "49-04-17",
        "19490417",
        "1949-04-17T00:00:00",
        "1949-04-17T00:00:00Z",
        "1949-04-17 00:00",
        " 1949-04-17",
        "1949-02-30",
        "1949-13-01",
        "0000-01-01",
        "\u0661\u0669\u0664\u0669-\u0660\u0664-\u0661\u0667",
        -651196800,
        "",
    ],
)
def test_dates_only_as_yyyy_mm_dd(value: object) -> None:
    for path in ("subject.date_of_birth", "needs.0.recorded_at", "consent.recorded_at", "social_work.0.from"):
        error = refused(set_field(path, value))
        assert fields(error) == [path]


def test_a_bad_nhs_number_is_refused_with_match() -> None:
    with pytest.raises(InvalidContent, match=r"subject\.identifiers\.1\.value") as caught:
        parse_content(_mutated(set_field("subject.identifiers.1.value", "9434765918")))
    assert caught.value.errors == [
        {
            "field": "subject.identifiers.1.value",
            "message": "not a valid NHS number: the modulus 11 check digit does not match",
        }
    ]


def test_an_unknown_need_domain_is_refused() -> None:
    with pytest.raises(InvalidContent, match=r"needs\.2\.domain") as caught:
        parse_content(_mutated(set_field("needs.2.domain", "housing")))
    assert fields(caught.value) == ["needs.2.domain"]


def test_duplicate_ids_within_a_section() -> None:
    with pytest.raises(InvalidContent, match=r"needs\.1\.id") as caught:
        parse_content(_mutated(set_field("needs.1.id", "n1")))
    assert caught.value.errors == [
        {"field": "needs.1.id", "message": "duplicate item id: ids must be unique across the whole passport"}
    ]


def test_duplicate_ids_across_sections() -> None:
    with pytest.raises(InvalidContent, match=r"services\.0\.id") as caught:
        parse_content(_mutated(set_field("services.0.id", "e1")))
    assert fields(caught.value) == ["services.0.id"]


def test_duplicate_ids_count_optional_ids_too() -> None:
    with pytest.raises(InvalidContent, match=r"responsibility\.0\.id"):
        parse_content(_mutated(set_field("responsibility.0.id", "a1")))


def test_a_withhold_naming_an_unknown_id() -> None:
    mutate = set_field("consent.audiences.reception_card.withhold_items", ["n5", "n9"])
    with pytest.raises(InvalidContent, match=r"consent\.audiences\.reception_card\.withhold_items\.1") as caught:
        parse_content(_mutated(mutate))
    assert fields(caught.value) == ["consent.audiences.reception_card.withhold_items.1"]


def test_an_over_long_string() -> None:
    with pytest.raises(InvalidContent, match=r"about_me\.summary") as caught:
        parse_content(_mutated(set_field("about_me.summary", "x" * 2_001)))
    assert caught.value.errors[0]["message"] == "String should have at most 2000 characters"
    assert parse_content(_mutated(set_field("about_me.summary", "x" * 2_000))).about_me is not None


def test_an_over_long_short_text_and_id() -> None:
    error = refused(set_field("equipment.0.item", "x" * 201))
    assert fields(error) == ["equipment.0.item"]
    error = refused(set_field("assessments.2.id", "a" * 65))
    assert "assessments.2.id" in fields(error)


def test_an_over_long_list() -> None:
    def many_likes(data: dict[str, Any]) -> None:
        data["about_me"]["likes"] = ["tea"] * 51

    def many_needs(data: dict[str, Any]) -> None:
        data["needs"] = [{**data["needs"][0], "id": f"n{i}"} for i in range(501)]
        data["consent"]["audiences"]["reception_card"]["withhold_items"] = []

    assert fields(refused(many_likes)) == ["about_me.likes"]
    error = refused(many_needs)
    assert error.errors == [{"field": "needs", "message": "must have at most 500 items"}]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("hobbies", "hobbies"),
        ("subject.nickname", "subject.nickname"),
        ("subject.identifiers.0.issuer", "subject.identifiers.0.issuer"),
        ("needs.0.priority", "needs.0.priority"),
        ("eligibility.0.outcomes.managing_pets", "eligibility.0.outcomes.managing_pets"),
        ("consent.audiences.prison.deny", "consent.audiences.prison.deny"),
        ("release_plan.notes", "release_plan.notes"),
    ],
)
def test_an_unknown_extra_field(path: str, field: str) -> None:
    with pytest.raises(InvalidContent, match="not valid") as caught:
        parse_content(_mutated(set_field(path, "x")))
    assert caught.value.errors == [{"field": field, "message": "Extra inputs are not permitted"}]


def test_a_missing_section() -> None:
    def drop_consent(data: dict[str, Any]) -> None:
        del data["consent"]

    assert refused(drop_consent).errors == [{"field": "consent", "message": "Field required"}]


def test_every_problem_is_reported_at_once() -> None:
    def two_faults(data: dict[str, Any]) -> None:
        data["needs"][0]["domain"] = "flying"
        data["equipment"][1]["owner"] = "hospital"

    assert fields(refused(two_faults)) == ["needs.0.domain", "equipment.1.owner"]


def test_a_withdrawal_before_the_consent() -> None:
    def withdraw_early(data: dict[str, Any]) -> None:
        data["consent"]["withdrawals"] = [
            {
                "audience": "health",
                "section": "needs",
                "withdrawn_at": "2025-01-01",
                "recorded_by": {"org": "prison:WYI", "role": "care_staff"},
            }
        ]

    assert fields(refused(withdraw_early)) == ["consent.withdrawals.0.withdrawn_at"]
