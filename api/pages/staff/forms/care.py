"""The forms of the care record's list sections: needs, equipment, services, assessments, social work, caring
responsibilities and the council responsible. Each field follows the model in ``schemas/care.py``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.pages.staff.forms.fields import (
    YES_NO,
    Field,
    Part,
    SectionForm,
    Values,
    as_text,
)
from api.pages.staff.words import day, options, organisation, say

ORG_HINT = "An organisation id, for example la:E07000127 (a council), health:RW4 (NHS) or prison:WYI."
LA_HINT = "A council id: la: then its ONS code, for example la:E08000012."
EASY_READ_HINT = (
    "One short sentence the person reads on their own pages, as they would say it. No hard words. "
    "Leave blank and their pages say it simply for them."
)


def _easy_read(example: str) -> Field:
    hint = f"{EASY_READ_HINT} For example: {example}"
    return Field("easy_read", "Easy read for the person", optional=True, hint=hint)


# Needs ----------------------------------------------------------------------------------------------------------


def _need_parts(content: Mapping[str, Any], values: Values) -> tuple[Part, ...]:
    assessments = tuple(
        (a["id"], f"{say('assessment_kind', a['kind'])} by {organisation(a['by'])}, {day(a['date'])}")
        for a in content.get("assessments", [])
    )
    return (
        Field("domain", "Area of life", "select", options("domain"), hint="The Care Act outcome or kind of need."),
        Field("status", "Is the need still to be met?", "radios", options("need_status")),
        Field("summary", "What the need is", "textarea", hint="In plain words, as the next prison should read it."),
        Field("how_met", "How it is met", "textarea", optional=True),
        Field("source_assessment", "The assessment that found it", "select", assessments, optional=True),
        _easy_read("I need help to wash and shower. A carer helps me every morning."),
    )


NEEDS = SectionForm(
    section="needs",
    title="Needs",
    one="need",
    letter="n",
    recorded=True,
    parts=_need_parts,
    describe=lambda item: f"{say('domain', item.get('domain'))}: {as_text(item.get('summary'))}",
    defaults={"status": "active"},
)

# Equipment ------------------------------------------------------------------------------------------------------


def _equipment_parts(content: Mapping[str, Any], values: Values) -> tuple[Part, ...]:
    return (
        Field("item", "Item", hint="For example: self-propelled wheelchair."),
        Field("category", "Kind of equipment", "select", options("equipment_category")),
        Field("owner", "Who owns it", "select", options("owner")),
        Field(
            "follows_person",
            "Does it go with the person when they move?",
            "radios",
            YES_NO,
            hint="Things fixed in a cell stay behind.",
        ),
        Field("condition", "Condition", hint="For example: good, worn, needs repair.", short=True),
        Field("review_due", "Review due", "date", optional=True),
        Field("summary", "Notes", "textarea", optional=True),
        _easy_read("I use my wheelchair when I go out of my cell."),
    )


EQUIPMENT = SectionForm(
    section="equipment",
    title="Equipment",
    one="item of equipment",
    letter="e",
    recorded=True,
    parts=_equipment_parts,
    describe=lambda item: as_text(item.get("item")),
)

# Services -------------------------------------------------------------------------------------------------------


def _service_parts(content: Mapping[str, Any], values: Values) -> tuple[Part, ...]:
    return (
        Field("service", "Service"),
        Field("provider", "Who provides it"),
        Field("frequency", "How often", optional=True, hint="For example: daily, every 3 months."),
        Field("start", "Started", "date"),
        Field("end", "Ended", "date", optional=True),
        Field(
            "effectiveness",
            "How well did it work?",
            "select",
            options("effectiveness"),
            hint="What worked is what the next prison or council most needs to know.",
        ),
        Field("note", "Why: what worked or did not", "textarea", optional=True),
        Field("summary", "Other notes", "textarea", optional=True),
        _easy_read("A healthcare assistant helps me shower every morning. This helps me."),
    )


SERVICES = SectionForm(
    section="services",
    title="Services",
    one="service",
    letter="s",
    recorded=True,
    parts=_service_parts,
    describe=lambda item: f"{as_text(item.get('service'))} ({say('effectiveness', item.get('effectiveness')).lower()})",
)

# Assessments ----------------------------------------------------------------------------------------------------


def _assessment_parts(content: Mapping[str, Any], values: Values) -> tuple[Part, ...]:
    return (
        Field("kind", "Kind of assessment", "select", options("assessment_kind")),
        Field("by", "Made by", hint=ORG_HINT, short=True),
        Field("date", "Date", "date"),
        Field("outcome", "Outcome", "textarea"),
        Field("summary", "Other notes", "textarea", optional=True),
    )


ASSESSMENTS = SectionForm(
    section="assessments",
    title="Assessments",
    one="assessment",
    letter="a",
    recorded=True,
    parts=_assessment_parts,
    describe=lambda item: f"{say('assessment_kind', item.get('kind'))}, {day(item.get('date'))}",
)

# Social work ----------------------------------------------------------------------------------------------------


def _social_work_parts(content: Mapping[str, Any], values: Values) -> tuple[Part, ...]:
    return (
        Field("team", "Team or social worker"),
        Field("authority", "Council or organisation", hint=ORG_HINT, short=True),
        Field("from", "From", "date"),
        Field("to", "Until", "date", optional=True, hint="Leave blank if they are still involved."),
        Field("contact", "How to reach them", "textarea", optional=True),
        Field("summary", "Other notes", "textarea", optional=True),
    )


SOCIAL_WORK = SectionForm(
    section="social_work",
    title="Social work",
    one="social work team",
    letter="w",
    recorded=True,
    parts=_social_work_parts,
    describe=lambda item: f"{as_text(item.get('team'))} ({organisation(item.get('authority'))})",
)

# Caring responsibilities ----------------------------------------------------------------------------------------


def _caring_parts(content: Mapping[str, Any], values: Values) -> tuple[Part, ...]:
    return (
        Field("summary", "The care they gave", "textarea"),
        Field("cared_for", "Who they cared for", optional=True, hint="For example: their mother."),
        Field("arrangements", "What happens now", "textarea", optional=True),
    )


CARING = SectionForm(
    section="caring_responsibilities",
    title="Caring responsibilities",
    one="caring responsibility",
    letter="c",
    recorded=True,
    parts=_caring_parts,
    describe=lambda item: as_text(item.get("summary")),
)

# The council responsible (Care Act 2014 s.76) --------------------------------------------------------------------


def _responsibility_parts(content: Mapping[str, Any], values: Values) -> tuple[Part, ...]:
    return (
        Field("authority", "Council", hint=LA_HINT, short=True),
        Field("from", "From", "date"),
        Field("to", "Until", "date", optional=True, hint="Leave blank if it is still responsible."),
        Field("reason", "Why this council", "textarea", optional=True, hint="For example: prison location (s.76)."),
    )


RESPONSIBILITY = SectionForm(
    section="responsibility",
    title="Council responsible",
    one="responsible council",
    letter="r",
    recorded=True,
    parts=_responsibility_parts,
    describe=lambda item: f"{organisation(item.get('authority'))} from {day(item.get('from'))}",
)

CARE_FORMS = (NEEDS, EQUIPMENT, SERVICES, ASSESSMENTS, SOCIAL_WORK, CARING, RESPONSIBILITY)
"""The list sections of the care record, in the order of the passport."""
