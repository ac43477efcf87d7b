"""The form of an eligibility decision, one per legal scheme (``schemas/eligibility.py``): a decision is kept as
it was made, so a form shows only its own scheme's fields. England's shows the ten Care Act outcomes, each
achieved or not and, if not, why (Care and Support (Eligibility Criteria) Regulations 2015, reg 2). A young
person's child-in-need assessment (Children Act 1989 s.17) names the council, chosen by name, the finding and the
plan in short."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.pages.staff.forms.care import ORG_HINT
from api.pages.staff.forms.fields import (
    YES_NO,
    Field,
    Group,
    Part,
    SectionForm,
    Values,
    as_text,
    as_yes_no,
    chosen,
    compact,
    text,
    yes_no,
)
from api.pages.staff.words import CARE_ACT_OUTCOME_WORDS, council_options, day, options, say
from schemas.errors import InvalidRequest

_ABLE = (("yes", "Can achieve it"), ("no", "Cannot achieve it"))


def _eligibility_parts(content: Mapping[str, Any], values: Values) -> tuple[Part, ...]:
    scheme = values.get("scheme")
    common: tuple[Part, ...] = (
        Field("scheme", "Scheme", "hidden"),
        Field("assessed_by", "Assessed by", hint=ORG_HINT, short=True),
        Field("assessed_on", "Date of the decision", "date"),
    )
    eligible = Field("eligible", "Eligible for care and support?", "radios", YES_NO)
    if scheme == CHILD_IN_NEED:
        return _child_in_need_parts(values)
    if scheme == "england_care_act_2015":
        outcomes = tuple(
            Group(
                label,
                (
                    Field(f"outcomes.{code}.able", label, "radios", _ABLE),
                    Field(
                        f"outcomes.{code}.reason",
                        "If they cannot, why",
                        "select",
                        options("unable_reason"),
                        optional=True,
                        hidden_label=f"({label})",
                        optional_text="",
                    ),
                ),
                name=code,
                boxed=True,
            )
            for code, label in CARE_ACT_OUTCOME_WORDS.items()
        )
        impact = Field(
            "significant_impact_on_wellbeing",
            "As a result, is there a significant impact on their wellbeing?",
            "radios",
            YES_NO,
        )
        hint = "Eligible means: cannot achieve two or more outcomes, and a significant impact on wellbeing."
        return (*common, *outcomes, impact, Field(eligible.name, eligible.label, "radios", YES_NO, hint=hint))
    if scheme == "wales_sswb_2015":
        return (
            *common,
            Field("outcome_areas", "Outcome areas with a need", "checkboxes", options("wales_area"), optional=True),
            Field("can_meet_alone_or_with_support", "Can they meet the need alone or with support?", "radios", YES_NO),
            Field("needs_care_and_support_plan", "Do they need a care and support plan?", "radios", YES_NO),
            eligible,
        )
    return (*common, Field("band", "Band", "select", options("band")), eligible)


CHILD_IN_NEED = "england_children_act_1989"


def _child_in_need_parts(values: Values) -> tuple[Part, ...]:
    return (
        Field("scheme", "Scheme", "hidden"),
        Field(
            "assessed_by",
            "Council that assessed them",
            "select",
            council_options(values.get("assessed_by")),
            hint="Children's services of the council where the young person lived or was found.",
        ),
        Field("assessed_on", "Date of the assessment", "date"),
        Field(
            "child_in_need",
            "Is the young person a child in need?",
            "radios",
            YES_NO,
            hint="Children Act 1989, section 17: under 18, and unlikely to be healthy or to develop well without "
            "the council's services, or disabled.",
        ),
        Field(
            "plan_summary",
            "The child in need plan, in short",
            "textarea",
            optional=True,
            hint="What the plan says will be done, and by whom. Leave blank if they are not a child in need.",
        ),
    )


def kept_scheme(item: Mapping[str, Any], sent: Values) -> Values:
    """What was sent to change a decision, drawn under the decision's own scheme. Eligibility is a tagged union
    per scheme, never converted between schemes: the scheme is the stored item's, and a form that says another
    (a forged hidden field) is refused rather than turning, say, a Care Act decision into a Scottish one that
    keeps its id. Only a new decision takes its scheme from the form."""
    scheme = as_text(item.get("scheme"))
    if sent.get("scheme") != scheme:
        raise InvalidRequest("a decision stays under the scheme it was made under; add a new one for another scheme")
    return {**sent, "scheme": scheme}


def _eligibility_values(item: Mapping[str, Any]) -> Values:
    names = ("scheme", "assessed_by", "assessed_on", "band", "plan_summary")
    values: Values = {name: as_text(item.get(name)) for name in names}
    for name in ("eligible", "significant_impact_on_wellbeing", "can_meet_alone_or_with_support", "child_in_need"):
        values[name] = as_yes_no(item.get(name))
    values["needs_care_and_support_plan"] = as_yes_no(item.get("needs_care_and_support_plan"))
    values["outcome_areas"] = list(item.get("outcome_areas", []))
    for code, outcome in (item.get("outcomes") or {}).items():
        values[f"outcomes.{code}.able"] = as_yes_no(outcome.get("able"))
        values[f"outcomes.{code}.reason"] = as_text(outcome.get("reason"))
    return values


def _build_eligibility(values: Values) -> dict[str, Any]:
    scheme = text(values, "scheme")
    item: dict[str, Any] = {
        "scheme": scheme,
        "assessed_by": text(values, "assessed_by"),
        "assessed_on": text(values, "assessed_on"),
    }
    if scheme == CHILD_IN_NEED:
        return compact(
            item | {"child_in_need": yes_no(values, "child_in_need"), "plan_summary": text(values, "plan_summary")}
        )
    item["eligible"] = yes_no(values, "eligible")
    if scheme == "england_care_act_2015":
        item["outcomes"] = {
            code: compact(
                {
                    "able": yes_no(values, f"outcomes.{code}.able"),
                    # A reason left selected when "can achieve" is chosen is dropped, not refused.
                    "reason": None
                    if yes_no(values, f"outcomes.{code}.able")
                    else text(values, f"outcomes.{code}.reason"),
                }
            )
            for code in CARE_ACT_OUTCOME_WORDS
        }
        item["significant_impact_on_wellbeing"] = yes_no(values, "significant_impact_on_wellbeing")
    elif scheme == "wales_sswb_2015":
        item["outcome_areas"] = chosen(values, "outcome_areas")
        item["can_meet_alone_or_with_support"] = yes_no(values, "can_meet_alone_or_with_support")
        item["needs_care_and_support_plan"] = yes_no(values, "needs_care_and_support_plan")
    else:
        item["band"] = text(values, "band")
    return compact(item)


def _eligibility_check(values: Values) -> dict[str, str]:
    if values.get("child_in_need") == "no" and text(values, "plan_summary"):
        return {"plan_summary": "leave this blank when they are not a child in need: there is no plan without one."}
    # reg 2(3): "unable to achieve" is always one of four findings, so it needs its reason.
    return {
        f"outcomes.{code}.reason": "choose why they cannot achieve this."
        for code in CARE_ACT_OUTCOME_WORDS
        if values.get(f"outcomes.{code}.able") == "no" and not text(values, f"outcomes.{code}.reason")
    }


ELIGIBILITY = SectionForm(
    section="eligibility",
    title="Eligibility",
    one="eligibility decision",
    letter="el",
    recorded=True,
    check=_eligibility_check,
    parts=_eligibility_parts,
    to_values=_eligibility_values,
    from_values=_build_eligibility,
    describe=lambda item: f"{say('scheme', item.get('scheme'))}: {_finding(item)}, {day(item.get('assessed_on'))}",
)


def _finding(item: Mapping[str, Any]) -> str:
    if item.get("scheme") == CHILD_IN_NEED:
        return "a child in need" if item.get("child_in_need") else "not a child in need"
    return "eligible" if item.get("eligible") else "not eligible"
