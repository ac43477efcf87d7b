"""The care record: needs, equipment, services, assessments, social work, caring, responsibility, release.

Each list item has a stable ``id`` (unique across the whole passport), and the facts staff record say when
and by whom (an organisation and a role). The record of services keeps how well each one worked, because what
worked is what the next prison or local authority most needs to know. A need, an item of equipment and a service
may carry an ``easy_read`` line that staff write for the person, in the first person ("I use a wheelchair outside
my cell"): the person's own pages show it beside a picture, ahead of the staff's own words.
"""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import Field, StrictBool, model_validator

from schemas.eligibility import CareActOutcome
from schemas.identifiers import LocalAuthorityId, OrgId, RecordedBy
from schemas.primitives import (
    MAX_SHORT_LIST_ITEMS,
    ContentModel,
    IsoDate,
    ItemId,
    ShortText,
    Text,
    _FieldRuleError,
)

NeedDomain = Literal[CareActOutcome, "mobility", "sensory", "cognition", "mental_wellbeing", "communication"]
"""The ten Care Act outcomes (2015 Regulations, reg 2(2)) plus mobility, sensory, cognition, mental wellbeing
and communication, which prison care staff record as needs in their own right."""

NeedStatus = Literal["active", "resolved"]
"""Whether a need is still to be met."""

EquipmentCategory = Literal[
    "mobility",
    "sensory",
    "personal_care",
    "cell_adaptation",
    "continence",
    "communication",
    "medical",
    "other",
]
"""What kind of equipment an item is."""

EquipmentOwner = Literal["person", "prison", "nhs", "local_authority"]
"""Who owns an item of equipment, which decides whether it may leave with the person."""

Effectiveness = Literal["effective", "partly_effective", "not_effective", "not_yet_known"]
"""How well a service met the need it was for."""

AssessmentKind = Literal[
    "care_act_needs_assessment",
    "occupational_therapy",
    "memory_assessment",
    "learning_disability_screening",
    "sensory_assessment",
    "mental_health_assessment",
    "carers_assessment",
    "physiotherapy",
    "speech_and_language_therapy",
    "wales_sswb_assessment",
    "scotland_single_shared_assessment",
    "other",
]
"""The kind of an assessment: a Care Act needs assessment (Care Act 2014 s.9), therapy, screening, ..."""


def _check_period(start: datetime.date, end: datetime.date | None, end_field: str) -> None:
    if end is not None and end < start:
        raise _FieldRuleError(((end_field,), "must not be before the start of the period"))


class Need(ContentModel):
    """An assessed need: its domain, what it is, how it is met, and the assessment it came from."""

    id: ItemId
    domain: NeedDomain
    status: NeedStatus
    summary: Text
    how_met: Text | None = None
    # The id of the item in ``assessments`` that found this need.
    source_assessment: ItemId | None = None
    easy_read: ShortText | None = None  # one short line for the person, in the first person: "I need help to wash."
    recorded_at: IsoDate
    recorded_by: RecordedBy


class Equipment(ContentModel):
    """An item of equipment, who owns it and whether it travels with the person on transfer."""

    id: ItemId
    item: ShortText
    category: EquipmentCategory
    owner: EquipmentOwner
    # Whether the item goes with the person on transfer or release (fixtures in a cell do not).
    follows_person: StrictBool
    condition: ShortText
    review_due: IsoDate | None = None
    summary: Text | None = None
    easy_read: ShortText | None = None  # one short line for the person, in the first person: "I use it outside."
    recorded_at: IsoDate
    recorded_by: RecordedBy


class Service(ContentModel):
    """A service received: what, from whom, how often, when, and how well it worked."""

    id: ItemId
    service: ShortText
    provider: ShortText
    frequency: ShortText | None = None
    start: IsoDate
    end: IsoDate | None = None
    effectiveness: Effectiveness
    note: Text | None = None
    summary: Text | None = None
    easy_read: ShortText | None = None  # one short line for the person, in the first person: "It helps me."
    recorded_at: IsoDate
    recorded_by: RecordedBy

    @model_validator(mode="after")
    def _ends_after_start(self) -> Service:
        _check_period(self.start, self.end, "end")
        return self


class Assessment(ContentModel):
    """An assessment: its kind, the organisation that made it, when, and its outcome."""

    id: ItemId
    kind: AssessmentKind
    by: OrgId
    date: IsoDate
    outcome: Text
    summary: Text | None = None
    recorded_at: IsoDate | None = None
    recorded_by: RecordedBy | None = None


class SocialWork(ContentModel):
    """Involvement of a social worker or team, past or present, and how to reach them."""

    id: ItemId
    team: ShortText
    authority: OrgId
    from_: IsoDate = Field(alias="from")
    to: IsoDate | None = None
    contact: Text | None = None
    summary: Text | None = None
    recorded_at: IsoDate | None = None
    recorded_by: RecordedBy | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> SocialWork:
        _check_period(self.from_, self.to, "to")
        return self


class CaringResponsibility(ContentModel):
    """A family care situation at home: someone the person cared for, and what happens now."""

    id: ItemId
    summary: Text
    cared_for: ShortText | None = None
    arrangements: Text | None = None
    recorded_at: IsoDate
    recorded_by: RecordedBy


class Responsibility(ContentModel):
    """A period in which one local authority was responsible for the person's care (Care Act 2014 s.76)."""

    id: ItemId | None = None
    authority: LocalAuthorityId
    from_: IsoDate = Field(alias="from")
    to: IsoDate | None = None
    reason: Text | None = None
    recorded_at: IsoDate | None = None
    recorded_by: RecordedBy | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> Responsibility:
        _check_period(self.from_, self.to, "to")
        return self


class Referral(ContentModel):
    """A referral made ahead of release."""

    to: ShortText
    made_on: IsoDate
    note: Text | None = None


ReleaseType = Literal["conditional_release", "licence", "parole", "end_of_sentence", "home_detention_curfew"]
"""How the person leaves prison: the kinds of release a release notice names."""


class ReleasePlan(ContentModel):
    """Release: when, how, to which local authority, where to live, referrals, what must be arranged, and whom
    the authority asks at the prison. With a date and a destination, the custodian sends the authority a release
    notice (passport.services.releases)."""

    expected_date: IsoDate | None = None
    release_type: ReleaseType | None = None
    destination_authority: LocalAuthorityId | None = None
    contact: ShortText | None = None  # a team and how to reach it at the prison, for the authority
    accommodation: Text | None = None
    # Care and Support Statutory Guidance ch.17 (prisons): the destination authority is told before release.
    destination_notified_on: IsoDate | None = None
    referrals: tuple[Referral, ...] = Field(default=(), max_length=MAX_SHORT_LIST_ITEMS)
    to_arrange: tuple[ShortText, ...] = Field(default=(), max_length=MAX_SHORT_LIST_ITEMS)
