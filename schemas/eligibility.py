"""Eligibility determinations, one model per legal scheme, never converted from one scheme into another.

England, Wales and Scotland decide eligibility for care and support under different law, an older record
may still carry a Fair Access to Care Services band, and a young person in the children and young people's
secure estate is assessed as a child. A passport crosses those borders carrying each determination exactly as
it was made, so :data:`Eligibility` is a union told apart by ``scheme``:

- ``england_care_act_2015``: Care and Support (Eligibility Criteria) Regulations 2015 (SI 2015/313), reg 2;
- ``wales_sswb_2015``: Care and Support (Eligibility) (Wales) Regulations 2015 (SI 2015/1578), reg 3;
- ``scotland_nec_2009``: the National Standard Eligibility Criteria (Scottish Government, 2009);
- ``legacy_facs``: Fair Access to Care Services (Department of Health, 2003; "Prioritising need", 2010);
- ``england_children_act_1989``: a child in need, Children Act 1989 s.17 (a person under 18, s.105(1)),
  assessed by a council under Working Together to Safeguard Children (2023), chapter 3.

Each model refuses the fields of the others, so a record that mixes schemes fails on the foreign field.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field, StrictBool, model_validator

from schemas.identifiers import LocalAuthorityId, OrgId, RecordedBy
from schemas.primitives import ContentModel, IsoDate, ItemId, Text, _FieldRuleError, _repeats

CareActOutcome = Literal[
    "managing_and_maintaining_nutrition",
    "maintaining_personal_hygiene",
    "managing_toilet_needs",
    "being_appropriately_clothed",
    "being_able_to_make_use_of_the_home_safely",
    "maintaining_a_habitable_home_environment",
    "developing_and_maintaining_family_or_other_personal_relationships",
    "accessing_and_engaging_in_work_training_education_or_volunteering",
    "making_use_of_necessary_facilities_or_services_in_the_local_community",
    "carrying_out_any_caring_responsibilities_for_a_child",
]
"""The ten outcomes of the Care and Support (Eligibility Criteria) Regulations 2015, reg 2(2)(a)-(j)."""

CARE_ACT_OUTCOMES: tuple[CareActOutcome, ...] = get_args(CareActOutcome)
"""The ten Care Act outcomes, in the order of reg 2(2)."""

UnableReason = Literal[
    "without_assistance",
    "significant_pain_distress_anxiety",
    "endangers_health_or_safety",
    "significantly_longer",
]
"""Why an adult is regarded as unable to achieve an outcome: reg 2(3)(a)-(d) of the 2015 Regulations."""

WalesOutcomeArea = Literal[
    "self_care_or_domestic_routines",
    "communication",
    "protection_from_abuse_or_neglect",
    "work_education_learning_or_leisure",
    "family_or_other_significant_personal_relationships",
    "social_relationships_and_community",
    "caring_responsibilities_for_a_child",
]
"""The outcome areas of the Care and Support (Eligibility) (Wales) Regulations 2015, reg 3(b)(i)-(vii)."""

EligibilityScheme = Literal[
    "england_care_act_2015", "wales_sswb_2015", "scotland_nec_2009", "legacy_facs", "england_children_act_1989"
]
"""The eligibility schemes a passport can carry."""

Band = Literal["critical", "substantial", "moderate", "low"]
"""A risk band: Scotland's National Standard Eligibility Criteria (2009) and the legacy FACS bands."""


class OutcomeAssessment(ContentModel):
    """Whether the adult can achieve one Care Act outcome, and if not, why (reg 2(3))."""

    able: StrictBool
    reason: UnableReason | None = None

    @model_validator(mode="after")
    def _reason_only_when_unable(self) -> OutcomeAssessment:
        # reg 2(3): "unable to achieve" is one of four findings; being able needs no reason, so a reason there
        # would be a contradiction in a signed record.
        if not self.able and self.reason is None:
            raise _FieldRuleError((("reason",), "is required when able is false (reg 2(3) of the 2015 Regulations)"))
        if self.able and self.reason is not None:
            raise _FieldRuleError((("reason",), "must be absent when able is true"))
        return self


class EnglandOutcomes(ContentModel):
    """Exactly the ten Care Act outcomes of reg 2(2), each assessed."""

    managing_and_maintaining_nutrition: OutcomeAssessment
    maintaining_personal_hygiene: OutcomeAssessment
    managing_toilet_needs: OutcomeAssessment
    being_appropriately_clothed: OutcomeAssessment
    being_able_to_make_use_of_the_home_safely: OutcomeAssessment
    maintaining_a_habitable_home_environment: OutcomeAssessment
    developing_and_maintaining_family_or_other_personal_relationships: OutcomeAssessment
    accessing_and_engaging_in_work_training_education_or_volunteering: OutcomeAssessment
    making_use_of_necessary_facilities_or_services_in_the_local_community: OutcomeAssessment
    carrying_out_any_caring_responsibilities_for_a_child: OutcomeAssessment

    def unable(self) -> tuple[CareActOutcome, ...]:
        """The outcomes the adult is unable to achieve, in reg 2(2) order."""
        return tuple(name for name in CARE_ACT_OUTCOMES if not getattr(self, name).able)


class _Assessed(ContentModel):
    """What every determination carries: its scheme, who made it and when."""

    scheme: EligibilityScheme
    id: ItemId | None = None
    assessed_by: OrgId
    assessed_on: IsoDate
    recorded_at: IsoDate | None = None
    recorded_by: RecordedBy | None = None


class _Determination(_Assessed):
    """An adult's determination: whether they are eligible for care and support."""

    eligible: StrictBool


class EnglandEligibility(_Determination):
    """A determination under the Care Act 2014 s.13 and the Eligibility Criteria Regulations 2015."""

    scheme: Literal["england_care_act_2015"]
    outcomes: EnglandOutcomes
    significant_impact_on_wellbeing: StrictBool

    @model_validator(mode="after")
    def _eligible_meets_reg_2(self) -> EnglandEligibility:
        # reg 2(1)(b)-(c): eligible needs mean being unable to achieve two or more outcomes and, as a
        # consequence, a significant impact on well-being. (Condition (a), an impairment or illness, is not
        # recorded here.)
        if self.eligible and (len(self.outcomes.unable()) < 2 or not self.significant_impact_on_wellbeing):
            raise _FieldRuleError(
                (
                    ("eligible",),
                    "needs two or more outcomes not achieved and a significant impact on wellbeing "
                    "(reg 2(1) of the 2015 Regulations)",
                )
            )
        return self


class WalesEligibility(_Determination):
    """A determination under the Social Services and Well-being (Wales) Act 2014 s.32 and the Regulations."""

    scheme: Literal["wales_sswb_2015"]
    outcome_areas: tuple[WalesOutcomeArea, ...] = Field(max_length=len(get_args(WalesOutcomeArea)))
    can_meet_alone_or_with_support: StrictBool
    needs_care_and_support_plan: StrictBool

    @model_validator(mode="after")
    def _eligible_meets_reg_3(self) -> WalesEligibility:
        repeats = _repeats(self.outcome_areas)
        if repeats:
            raise _FieldRuleError(*((("outcome_areas", i), "names an area already named") for i in repeats))
        # reg 3(b)-(d): a need in at least one outcome area, that the adult cannot meet alone or with the
        # support of others or community services, and that needs a care and support plan.
        if self.eligible and (
            not self.outcome_areas or self.can_meet_alone_or_with_support or not self.needs_care_and_support_plan
        ):
            raise _FieldRuleError(
                (
                    ("eligible",),
                    "needs an outcome area, a need that cannot be met alone or with support, and a care and "
                    "support plan (reg 3 of the Wales 2015 Regulations)",
                )
            )
        return self


class ScotlandEligibility(_Determination):
    """A determination under Scotland's National Standard Eligibility Criteria (2009)."""

    scheme: Literal["scotland_nec_2009"]
    band: Band


class LegacyFacsEligibility(_Determination):
    """A determination under Fair Access to Care Services, kept as made before the Care Act 2014."""

    scheme: Literal["legacy_facs"]
    band: Band


class ChildInNeedAssessment(_Assessed):
    """A council's assessment of a child under the Children Act 1989 s.17: whether they are a child in need, and
    in short the plan made for them. Kept as made after the person turns 18; as an adult they are assessed
    afresh under the Care Act (a transition assessment, s.58, when they turn 18 around their release)."""

    scheme: Literal["england_children_act_1989"]
    assessed_by: LocalAuthorityId  # only a council assesses a child in need (s.17(1), s.105(1))
    child_in_need: StrictBool
    plan_summary: Text | None = None  # the child in need plan, in short

    @model_validator(mode="after")
    def _plan_only_for_a_child_in_need(self) -> ChildInNeedAssessment:
        # A child in need plan follows a finding that the child is in need; a plan beside "not in need" would
        # make the signed record contradict itself.
        if not self.child_in_need and self.plan_summary is not None:
            raise _FieldRuleError((("plan_summary",), "must be absent when child_in_need is false"))
        return self

    @property
    def eligible(self) -> bool:
        """Whether services are owed: a child in need may be given them (s.17(1)), the way an adult's eligible
        needs are met."""
        return self.child_in_need


Eligibility = Annotated[
    EnglandEligibility | WalesEligibility | ScotlandEligibility | LegacyFacsEligibility | ChildInNeedAssessment,
    Field(discriminator="scheme"),
]
"""An eligibility determination under one scheme, told apart by ``scheme``."""
