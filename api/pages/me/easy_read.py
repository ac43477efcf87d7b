"""The person's passport in easy read: each need, piece of equipment and service as one idea, with a picture and
a short line in the first person.

Staff may write that line with the record (``easy_read``); where they have not, the line is said for them from
what kind of thing it is (a need's area of life, equipment's kind), never the staff's own words turned round.
The phrase tables below are the one place these words live. Easy read the UK way (Department of Health, "Making
written information easier to understand", 2010; Cabinet Office, "Accessible communication formats"): short
sentences, one idea each, everyday words with no brackets, a picture beside each idea.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from schemas import (
    AUDIENCES,
    ChildInNeedAssessment,
    Eligibility,
    EnglandEligibility,
    Equipment,
    Need,
    PassportContent,
    Service,
    WalesEligibility,
)

# A need's area of life: a heading, the line said for the person, and its picture.
NEED_WORDS: dict[str, tuple[str, str, str]] = {
    "managing_and_maintaining_nutrition": ("Eating and drinking", "I need help with eating and drinking.", "cup"),
    "maintaining_personal_hygiene": ("Washing", "I need help with washing.", "shower"),
    "managing_toilet_needs": ("Using the toilet", "I need help to use the toilet.", "toilet"),
    "being_appropriately_clothed": ("Getting dressed", "I need help to get dressed.", "shirt"),
    "being_able_to_make_use_of_the_home_safely": (
        "Keeping safe where I live",
        "I need help to stay safe where I live.",
        "shield",
    ),
    "maintaining_a_habitable_home_environment": ("Keeping my room clean", "I need help to keep my room clean.", "home"),
    "developing_and_maintaining_family_or_other_personal_relationships": (
        "Family and friends",
        "I need help to keep in touch with my family and friends.",
        "people",
    ),
    "accessing_and_engaging_in_work_training_education_or_volunteering": (
        "Work, learning and activities",
        "I need help to join in with work, learning and activities.",
        "book",
    ),
    "making_use_of_necessary_facilities_or_services_in_the_local_community": (
        "Getting out and about",
        "I need help to get out and about.",
        "door",
    ),
    "carrying_out_any_caring_responsibilities_for_a_child": (
        "Looking after a child",
        "I need help to look after my child.",
        "people",
    ),
    "mobility": ("Moving about", "I need help to move about.", "wheelchair"),
    "sensory": ("Seeing and hearing", "I need help because of my sight or my hearing.", "ear"),
    "cognition": ("Memory and thinking", "I need help to remember things.", "memory"),
    "mental_wellbeing": ("Feelings", "I need help with my feelings.", "heart"),
    "communication": ("Talking and hearing", "I need help to talk with people and to hear them.", "speech"),
}
OTHER_NEED = ("Other help", "I need some help.", "heart")
# Equipment's kind: the line said for the person, and its picture.
EQUIPMENT_WORDS: dict[str, tuple[str, str]] = {
    "mobility": ("I use this to help me move about.", "wheelchair"),
    "sensory": ("I use this to help me see or hear.", "ear"),
    "personal_care": ("I use this to help me wash and get dressed.", "shower"),
    "cell_adaptation": ("This is fitted in my cell to help me.", "home"),
    "continence": ("I use this to help me with the toilet.", "toilet"),
    "communication": ("I use this to help me talk with people.", "speech"),
    "medical": ("I use this for my health.", "health"),
    "other": ("I use this to help me.", "star"),
}
# Who owns an item of equipment, said by the person.
OWNER_WORDS: dict[str, str] = {
    "person": "It is mine.",
    "prison": "It belongs to the prison.",
    "nhs": "It belongs to the NHS.",
    "local_authority": "It belongs to the council.",
}
# The kind of an assessment, as a heading.
ASSESSMENT_WORDS: dict[str, str] = {
    "care_act_needs_assessment": "A check of the care and support I need",
    "occupational_therapy": "A check of how I manage every day",
    "memory_assessment": "A memory check",
    "learning_disability_screening": "A check for a learning disability",
    "sensory_assessment": "A check of my seeing and hearing",
    "mental_health_assessment": "A mental health check",
    "carers_assessment": "A check of the help I need as a carer",
    "physiotherapy": "A check of how I move",
    "speech_and_language_therapy": "A check of my talking and swallowing",
    "wales_sswb_assessment": "A check of the care and support I need",
    "scotland_single_shared_assessment": "A check of the care and support I need",
}
OTHER_ASSESSMENT = "A check of what help I need"
# Who an item is kept from, as the person is told it.
KEPT_FROM: dict[str, str] = {
    "prison": "other prisons",
    "local_authority": "councils",
    "health": "NHS staff",
    "probation": "probation",
    "reception_card": "reception staff who scan my card",
}

_BRACKETS = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")


def without_brackets(text: str) -> str:
    """A short name staff wrote, without what they put in brackets ("Hearing aids (both ears)" -> "Hearing
    aids"): the person's pages say things plainly, and the staff's own words are there in full below."""
    plain = _BRACKETS.sub("", text).strip()
    return plain or text


@dataclass(frozen=True)
class Idea:
    """One idea on the person's page: a heading, a short line in the first person, a picture, and whether staff
    wrote the line (else it is said for the person from what kind of thing it is)."""

    heading: str
    line: str
    picture: str
    by_staff: bool


def _line(written: str | None, fallback: str) -> tuple[str, bool]:
    if written and written.strip():
        text = written.strip()
        return (text if text[-1] in ".!?" else text + "."), True
    return fallback, False


def need_idea(need: Need) -> Idea:
    """A need: its area of life, and what the person needs, in their words."""
    heading, said, picture = NEED_WORDS.get(need.domain, OTHER_NEED)
    if need.status == "resolved":
        said = "I do not need this help now."
    line, by_staff = _line(need.easy_read, said)
    return Idea(heading, line, picture, by_staff)


def equipment_idea(item: Equipment) -> Idea:
    """An item of equipment: its name, and what the person uses it for."""
    said, picture = EQUIPMENT_WORDS.get(item.category, EQUIPMENT_WORDS["other"])
    line, by_staff = _line(item.easy_read, said)
    return Idea(without_brackets(item.item), line, picture, by_staff)


def service_idea(service: Service, today: date) -> Idea:
    """A service: its name, and whether the person gets it now, got it, or will get it."""
    if service.start > today:
        said = "I will get this help."
    elif service.end is not None and service.end < today:
        said = "I got this help."
    else:
        said = "I get this help now."
    line, by_staff = _line(service.easy_read, said)
    return Idea(without_brackets(service.service), line, "star", by_staff)


def item_names(content: PassportContent) -> dict[str, str]:
    """Each item of the passport by its id, named as the person's pages name it."""
    names: dict[str, str] = {n.id: need_idea(n).heading for n in content.needs}
    names.update({e.id: without_brackets(e.item) for e in content.equipment})
    names.update({s.id: without_brackets(s.service) for s in content.services})
    names.update({a.id: ASSESSMENT_WORDS.get(a.kind, OTHER_ASSESSMENT) for a in content.assessments})
    names.update({w.id: without_brackets(w.team) for w in content.social_work})
    for cared in content.caring_responsibilities:
        names[cared.id] = without_brackets(cared.cared_for or "Someone I look after")
    return names


def kept_line(content: PassportContent, item_id: str) -> str | None:
    """Who an item is kept from, even where they see the rest of its part: "NHS staff cannot see this."."""
    kept = [KEPT_FROM[a] for a in AUDIENCES if item_id in content.consent.withheld_items(a)]
    if not kept:
        return None
    who = listed(kept)
    return f"{who[0].upper()}{who[1:]} cannot see this."


def found_needs(content: PassportContent, assessment_id: str) -> list[str]:
    """The areas of life of the needs an assessment found, by their headings."""
    return _unique(_in_sentence(need_idea(n).heading) for n in content.needs if n.source_assessment == assessment_id)


def _in_sentence(heading: str) -> str:
    """A heading in the middle of a sentence: "Keeping safe where I live" -> "keeping safe where I live"."""
    return heading[0].lower() + heading[1:]


def _unique(words: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(words))


def listed(words: list[str]) -> str:
    """Words as a list in a sentence: "washing, getting dressed and moving about"."""
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


# What a Welsh council found: the outcome areas of the 2015 Welsh Regulations, reg 3(b), said plainly.
WALES_AREA_WORDS: dict[str, str] = {
    "self_care_or_domestic_routines": "looking after myself and my home",
    "communication": "talking with people",
    "protection_from_abuse_or_neglect": "staying safe from harm",
    "work_education_learning_or_leisure": "work, learning and free time",
    "family_or_other_significant_personal_relationships": "family and friends",
    "social_relationships_and_community": "meeting people and getting out and about",
    "caring_responsibilities_for_a_child": "looking after a child",
}
# A risk band (Scotland's criteria, and the older English ones), as how much help the person needs.
BAND_WORDS: dict[str, str] = {
    "critical": "They said I need a great deal of help.",
    "substantial": "They said I need a lot of help.",
    "moderate": "They said I need some help.",
    "low": "They said I need a little help.",
}


# A young person's assessment as a child in need (Children Act 1989 s.17).
CHILD_IN_NEED_WORDS: dict[bool, str] = {
    True: "They found I am a child in need. This means the council helps me while I am under 18.",
    False: "They found I am not a child in need.",
}


def eligibility_found(determination: Eligibility) -> tuple[str, list[str]]:
    """What a council found when it checked if the person can get care and support: a sentence, and the areas of
    life they need help with (one idea each, so a list, not one long sentence)."""
    if isinstance(determination, ChildInNeedAssessment):
        return CHILD_IN_NEED_WORDS[determination.child_in_need], []
    if isinstance(determination, EnglandEligibility):
        areas = [_in_sentence(NEED_WORDS[o][0]) for o in determination.outcomes.unable()]
    elif isinstance(determination, WalesEligibility):
        areas = [WALES_AREA_WORDS[a] for a in determination.outcome_areas]
    else:
        return BAND_WORDS[determination.band], []
    return ("They found I need help with these things:", areas) if areas else ("", [])


# How well a service worked, said by the person, and its picture.
EFFECTIVENESS_WORDS: dict[str, tuple[str, str]] = {
    "effective": ("This helped me.", "tick"),
    "partly_effective": ("This helped me a bit.", "half"),
    "not_effective": ("This did not help me.", "cross"),
    "not_yet_known": ("We do not know yet if this helps me.", "question"),
}
_CONDITIONS = frozenset({"good", "fair", "poor", "new", "worn", "bad", "excellent", "ok"})


def condition_line(condition: str) -> str:
    """An item's condition as staff wrote it ("good", "needs repair"), as a sentence."""
    plain = without_brackets(condition).strip().rstrip(".")
    if plain.lower() in _CONDITIONS:
        return f"It is in {plain.lower()} condition."
    return f"How it is now: {plain[0].lower() + plain[1:]}."
