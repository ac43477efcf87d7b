"""The person's pages' words: the parts of the passport and the groups of people in easy read, dates as a
person says them, and organisations by name (or by what kind of place they are)."""

from __future__ import annotations

from dataclasses import dataclass

from passport.services import organisation_name
from schemas import find_organisation_name

# The parts of the passport, as the person's pages name them, in the order the passport page shows them.
PART_NAMES: dict[str, str] = {
    "about_me": "About me",
    "communication": "How to talk with me",
    "needs": "The help I need",
    "eligibility": "Help from the council",
    "equipment": "My equipment",
    "services": "Services and how well they worked",
    "assessments": "Checks of what help I need",
    "social_work": "Social workers",
    "caring_responsibilities": "My family",
    "release_plan": "Leaving prison",
    "responsibility": "Who is responsible for my care",
}
PART_ICONS: dict[str, str] = {
    "about_me": "person",
    "communication": "speech",
    "needs": "heart",
    "eligibility": "tick",
    "equipment": "wheelchair",
    "services": "star",
    "assessments": "clipboard",
    "social_work": "people",
    "caring_responsibilities": "home",
    "responsibility": "shield",
    "release_plan": "door",
}
# "Something is wrong" may also be about the person's name and details, which every view shows.
WRONG_PARTS: dict[str, str] = {"subject": "My name and details", **PART_NAMES}


@dataclass(frozen=True)
class AudienceWords:
    """An audience of the person's consent, in plain words."""

    name: str  # "Councils": a heading, and the start of a sentence
    short: str  # "councils": in the middle of a sentence
    about: str  # who they are, in one sentence
    icon: str


AUDIENCE_WORDS: dict[str, AudienceWords] = {
    "prison": AudienceWords(
        "Other prisons",
        "other prisons",
        "If you move to another prison, staff there can see these parts before you arrive.",
        "prison",
    ),
    "local_authority": AudienceWords(
        "Councils", "councils", "The council helps with care and support, in prison and when you leave.", "council"
    ),
    "health": AudienceWords("NHS staff", "NHS staff", "Doctors, nurses and other health staff.", "health"),
    "probation": AudienceWords(
        "Probation", "probation", "Your probation officer helps you when you leave prison.", "probation"
    ),
    "reception_card": AudienceWords(
        "Reception staff who scan your card",
        "reception staff",
        "You carry a passport card. Reception staff scan it when you arrive at a prison.",
        "card",
    ),
}
NAV = (
    ("/me", "My passport"),
    ("/me/seen", "Who has seen it"),
    ("/me/consent", "Who can see what"),
    ("/me/wrong", "Something is wrong"),
)


def sentence(text: str, stop: bool = True) -> str:
    """Recorded words as a sentence: a capital letter first and (unless ``stop`` is false) a full stop at the end."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if not stop or text[-1] in ".!?" else text + "."


@dataclass(frozen=True)
class OrganisationNames:
    """Organisation names for the person's pages: the name if we know it, else what kind of place it is."""

    names: dict[str, str]

    def __call__(self, org: str | None, start: bool = False) -> str:
        """The name ("HMP Wymott", "a council"), with a capital letter when it starts a sentence."""
        name = organisation_name(org, self.names)
        return name[0].upper() + name[1:] if start and name else name

    def known(self, org: str | None) -> bool:
        """Whether we know the organisation's name (not only its kind)."""
        return org is not None and find_organisation_name(org, self.names) is not None
