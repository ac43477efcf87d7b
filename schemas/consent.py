"""The sections of a passport, and the person's consent to share them.

Consent is given per audience and per section, with per-item withholds: the person may let the reception card
show their equipment but keep one need off it. ``subject`` is shown in every view (a record must say whose it
is) and ``consent`` is the person's own instruction, so neither can be permitted or withheld; every other
section is *disclosable*. The custodian always holds the whole record; consent governs what everyone else
sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, get_args

from pydantic import Field, model_validator

from schemas.identifiers import RecordedBy
from schemas.primitives import (
    MAX_LIST_ITEMS,
    ContentModel,
    FieldPath,
    IsoDate,
    ItemId,
    ShortText,
    _FieldRuleError,
    _repeats,
)

SectionName = Literal[
    "subject",
    "about_me",
    "communication",
    "needs",
    "eligibility",
    "equipment",
    "services",
    "assessments",
    "social_work",
    "caring_responsibilities",
    "responsibility",
    "release_plan",
    "consent",
]
"""The name of a section of the passport content."""

DisclosableSection = Literal[
    "about_me",
    "communication",
    "needs",
    "eligibility",
    "equipment",
    "services",
    "assessments",
    "social_work",
    "caring_responsibilities",
    "responsibility",
    "release_plan",
]
"""A section that consent can permit: every section except ``subject`` and ``consent``."""

ListSection = Literal[
    "needs",
    "eligibility",
    "equipment",
    "services",
    "assessments",
    "social_work",
    "caring_responsibilities",
    "responsibility",
]
"""A section whose value is a list of items."""

Audience = Literal["prison", "local_authority", "health", "probation", "reception_card"]
"""Who a view is for; ``reception_card`` is the QR card the person carries."""

ConsentMethod = Literal["signed", "verbal", "verbal_with_advocate", "best_interests_decision", "self_service"]
"""How consent was given. An advocate under the Care Act 2014 s.67 may support the person; a best-interests
decision is taken for a person who lacks capacity (Mental Capacity Act 2005 s.4; in Scotland the Adults with
Incapacity (Scotland) Act 2000). ``self_service``: the person set it themselves, signed in to their own pages."""

ConsentGiver = Literal["person", "parental_responsibility"]
"""Who gave consent: the person, or for a child (under 18) someone with parental responsibility for them
(Children Act 1989 s.3; a parent, a guardian, or a council under a care order, s.33(3)). Young people of 16 and 17
are presumed to have capacity and usually give it themselves (Mental Capacity Act 2005 s.2(5), and Gillick
competence below 16)."""

SECTIONS: tuple[SectionName, ...] = get_args(SectionName)
"""Every section, in the order of the fields of ``PassportContent``."""

DISCLOSABLE_SECTIONS: tuple[DisclosableSection, ...] = get_args(DisclosableSection)
"""The sections consent can permit, in section order."""

LIST_SECTIONS: tuple[ListSection, ...] = get_args(ListSection)
"""The sections whose value is a list of items, in section order."""

AUDIENCES: tuple[Audience, ...] = get_args(Audience)
"""Every audience consent can be given to."""

# Enough to withhold every item of every list section from one audience.
_MAX_WITHHOLD_ITEMS = MAX_LIST_ITEMS * len(LIST_SECTIONS)


class AudienceConsent(ContentModel):
    """What one audience may see: whole sections, less any items withheld by id."""

    permit: tuple[DisclosableSection, ...] = Field(max_length=len(DISCLOSABLE_SECTIONS))
    withhold_items: tuple[ItemId, ...] = Field(default=(), max_length=_MAX_WITHHOLD_ITEMS)

    @model_validator(mode="after")
    def _each_named_once(self) -> AudienceConsent:
        problems = [
            *((("permit", i), "names a section already named") for i in _repeats(self.permit)),
            *((("withhold_items", i), "names an item already named") for i in _repeats(self.withhold_items)),
        ]
        if problems:
            raise _FieldRuleError(*problems)
        return self


class Withdrawal(ContentModel):
    """The person withdrew consent for one section from one audience."""

    audience: Audience
    section: DisclosableSection
    withdrawn_at: IsoDate
    recorded_by: RecordedBy


class Consent(ContentModel):
    """The person's consent: how, when and by whom it was given, per audience, and any withdrawals since."""

    recorded_at: IsoDate
    recorded_by: RecordedBy
    how: ConsentMethod
    # Absent in records made before it was asked: the person, unless the record says otherwise.
    given_by: ConsentGiver | None = None
    given_by_name: ShortText | None = None  # with parental responsibility: their name and role ("Sam Jones, mother")
    # An audience that is absent is permitted nothing.
    audiences: Mapping[Audience, AudienceConsent]
    withdrawals: tuple[Withdrawal, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)

    @model_validator(mode="after")
    def _withdrawals_follow_consent(self) -> Consent:
        # A withdrawal dated before the consent it would withdraw belongs to an earlier consent, which this
        # record replaced; keeping it would make the current consent ambiguous.
        problems: list[tuple[FieldPath, str]] = [
            (("withdrawals", i, "withdrawn_at"), "must not be before the consent's recorded_at")
            for i, w in enumerate(self.withdrawals)
            if w.withdrawn_at < self.recorded_at
        ]
        # Someone else giving consent must be named, so that anyone can ask them; the person needs no name here.
        if self.given_by == "parental_responsibility" and self.given_by_name is None:
            problems.append((("given_by_name",), "is required when given_by is parental_responsibility"))
        if self.given_by != "parental_responsibility" and self.given_by_name is not None:
            problems.append((("given_by_name",), "must be absent unless given_by is parental_responsibility"))
        if problems:
            raise _FieldRuleError(*problems)
        return self

    def permitted_sections(self, audience: Audience) -> tuple[DisclosableSection, ...]:
        """The sections an audience may see now: those permitted, less those withdrawn, in section order."""
        given = self.audiences.get(audience)
        if given is None:
            return ()
        withdrawn = {w.section for w in self.withdrawals if w.audience == audience}
        return tuple(s for s in DISCLOSABLE_SECTIONS if s in given.permit and s not in withdrawn)

    def withheld_items(self, audience: Audience) -> frozenset[str]:
        """The ids of the items withheld from an audience, even within permitted sections."""
        given = self.audiences.get(audience)
        return frozenset() if given is None else frozenset(given.withhold_items)
