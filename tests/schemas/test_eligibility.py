"""Eligibility: one model per scheme, never mixed, each with the rules of its own regulations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import pytest

from schemas import (
    CARE_ACT_OUTCOMES,
    EnglandEligibility,
    EnglandOutcomes,
    InvalidContent,
    LegacyFacsEligibility,
    NeedDomain,
    ScotlandEligibility,
    WalesEligibility,
    content_to_claims,
    parse_content,
)

REFERENCE = Path(__file__).parent.parent / "assets" / "reference-passport.json"

WALES: dict[str, Any] = {
    "scheme": "wales_sswb_2015",
    "assessed_by": "la:W06000015",
    "assessed_on": "2024-11-05",
    "outcome_areas": ["self_care_or_domestic_routines", "communication"],
    "can_meet_alone_or_with_support": False,
    "needs_care_and_support_plan": True,
    "eligible": True,
}
SCOTLAND: dict[str, Any] = {
    "scheme": "scotland_nec_2009",
    "assessed_by": "la:S12000036",
    "assessed_on": "2023-03-01",
    "band": "substantial",
    "eligible": True,
}
FACS: dict[str, Any] = {
    "scheme": "legacy_facs",
    "assessed_by": "la:E08000035",
    "assessed_on": "2013-09-12",
    "band": "moderate",
    "eligible": False,
}


def with_eligibility(*items: dict[str, Any]) -> dict[str, Any]:
    """The reference passport, with its eligibility list replaced."""
    data: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    data["eligibility"] = list(items)
    return data


def england() -> dict[str, Any]:
    """The reference passport's England determination, as data."""
    entry: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))["eligibility"][0]
    return entry


def error_fields(*items: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidContent, match=r"eligibility\.") as caught:
        parse_content(with_eligibility(*items))
    return [e["field"] for e in caught.value.errors]


def test_every_scheme_is_accepted_and_kept_as_made() -> None:
    content = parse_content(with_eligibility(england(), WALES, SCOTLAND, FACS))
    kinds = [type(e) for e in content.eligibility]
    assert kinds == [EnglandEligibility, WalesEligibility, ScotlandEligibility, LegacyFacsEligibility]
    claims = content_to_claims(content)
    assert claims["eligibility"][1:] == [WALES, SCOTLAND, FACS]
    assert parse_content(claims) == content


def test_the_fixture_uses_exactly_the_ten_care_act_outcomes() -> None:
    assert list(england()["outcomes"]) == list(CARE_ACT_OUTCOMES)
    assert tuple(EnglandOutcomes.model_fields) == CARE_ACT_OUTCOMES
    assert len(CARE_ACT_OUTCOMES) == 10


def test_need_domains_are_the_outcomes_plus_five() -> None:
    extra = ("mobility", "sensory", "cognition", "mental_wellbeing", "communication")
    assert get_args(NeedDomain) == (*CARE_ACT_OUTCOMES, *extra)


@pytest.mark.parametrize(
    ("foreign", "expected"),
    [
        ({"band": "critical"}, ["eligibility.0.band"]),
        ({"outcome_areas": ["communication"]}, ["eligibility.0.outcome_areas"]),
        ({"needs_care_and_support_plan": True}, ["eligibility.0.needs_care_and_support_plan"]),
    ],
)
def test_england_refuses_other_schemes_fields(foreign: dict[str, Any], expected: list[str]) -> None:
    assert error_fields({**england(), **foreign}) == expected


def test_scotland_with_england_outcomes_names_the_fields() -> None:
    mixed = {**england(), "scheme": "scotland_nec_2009", "band": "critical"}
    assert error_fields(mixed) == ["eligibility.0.outcomes", "eligibility.0.significant_impact_on_wellbeing"]


def test_wales_with_a_band_is_refused() -> None:
    assert error_fields({**WALES, "band": "low"}) == ["eligibility.0.band"]


def test_facs_with_wales_outcome_areas_is_refused() -> None:
    assert error_fields(SCOTLAND, {**FACS, "outcome_areas": []}) == ["eligibility.1.outcome_areas"]


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(InvalidContent, match=r"eligibility\.0") as caught:
        parse_content(with_eligibility({**SCOTLAND, "scheme": "northern_ireland"}))
    assert caught.value.errors[0]["message"].startswith("'scheme' must be one of")


def test_a_scheme_is_required() -> None:
    entry = dict(SCOTLAND)
    del entry["scheme"]
    assert error_fields(entry) == ["eligibility.0"]


def test_england_unable_needs_a_reason_from_reg_2_3() -> None:
    entry = england()
    entry["outcomes"]["managing_toilet_needs"] = {"able": False}
    assert error_fields(entry) == ["eligibility.0.outcomes.managing_toilet_needs.reason"]
    entry["outcomes"]["managing_toilet_needs"] = {"able": False, "reason": "too_hard"}
    assert error_fields(entry) == ["eligibility.0.outcomes.managing_toilet_needs.reason"]


def test_england_able_forbids_a_reason() -> None:
    entry = england()
    entry["outcomes"]["managing_toilet_needs"] = {"able": True, "reason": "without_assistance"}
    assert error_fields(entry) == ["eligibility.0.outcomes.managing_toilet_needs.reason"]


def test_england_needs_all_ten_outcomes() -> None:
    entry = england()
    del entry["outcomes"]["managing_toilet_needs"]
    assert error_fields(entry) == ["eligibility.0.outcomes.managing_toilet_needs"]


def test_england_eligible_needs_two_outcomes_and_significant_impact() -> None:
    entry = england()
    for name in CARE_ACT_OUTCOMES[1:]:
        entry["outcomes"][name] = {"able": True}
    assert error_fields(entry) == ["eligibility.0.eligible"]
    entry = {**england(), "significant_impact_on_wellbeing": False}
    assert error_fields(entry) == ["eligibility.0.eligible"]
    # Not eligible is always a possible finding: reg 2(1)(a) (an impairment or illness) is not recorded.
    assert parse_content(with_eligibility({**england(), "eligible": False})).eligibility[0].eligible is False


def test_england_unable_lists_outcomes_in_regulation_order() -> None:
    content = parse_content(with_eligibility(england()))
    first = content.eligibility[0]
    assert isinstance(first, EnglandEligibility)
    assert first.outcomes.unable() == (
        "managing_and_maintaining_nutrition",
        "maintaining_personal_hygiene",
        "being_appropriately_clothed",
        "being_able_to_make_use_of_the_home_safely",
        "accessing_and_engaging_in_work_training_education_or_volunteering",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"outcome_areas": []}, "eligibility.0.eligible"),
        ({"can_meet_alone_or_with_support": True}, "eligibility.0.eligible"),
        ({"needs_care_and_support_plan": False}, "eligibility.0.eligible"),
        ({"outcome_areas": ["communication", "communication"]}, "eligibility.0.outcome_areas.1"),
        ({"outcome_areas": ["personal_care"]}, "eligibility.0.outcome_areas.0"),
        ({"eligible": "yes"}, "eligibility.0.eligible"),
    ],
)
def test_wales_rules_of_reg_3(change: dict[str, Any], field: str) -> None:
    assert error_fields({**WALES, **change}) == [field]


def test_wales_not_eligible_may_have_no_areas() -> None:
    entry = {**WALES, "outcome_areas": [], "can_meet_alone_or_with_support": True, "eligible": False}
    assert parse_content(with_eligibility(entry)).eligibility[0].eligible is False


@pytest.mark.parametrize("entry", [SCOTLAND, FACS])
def test_bands(entry: dict[str, Any]) -> None:
    assert error_fields({**entry, "band": "high"}) == ["eligibility.0.band"]
    assert error_fields({**entry, "assessed_by": "Glasgow"}) == ["eligibility.0.assessed_by"]
    assert error_fields({**entry, "assessed_on": "01/03/2023"}) == ["eligibility.0.assessed_on"]
