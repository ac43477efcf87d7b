"""The words staff read for each coded value of the passport (need domains, equipment, effectiveness, consent),
and its dates as staff read them.

The schemas keep stable codes (``not_effective``, ``verbal_with_advocate``); staff pages show these plain British
English labels instead. Every code of every ``Literal`` in the schemas has a label here (a test checks it), so
a new code cannot reach a page as a raw identifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from api.pages.common.render import day as common_day
from api.pages.staff.forms.fields import as_text
from schemas import directory, find_organisation_name, organisation_kind

CARE_ACT_OUTCOME_WORDS: Mapping[str, str] = {
    # Care and Support (Eligibility Criteria) Regulations 2015, reg 2(2)(a)-(j).
    "managing_and_maintaining_nutrition": "Managing and maintaining nutrition",
    "maintaining_personal_hygiene": "Maintaining personal hygiene",
    "managing_toilet_needs": "Managing toilet needs",
    "being_appropriately_clothed": "Being appropriately clothed",
    "being_able_to_make_use_of_the_home_safely": "Being able to make use of the home (cell) safely",
    "maintaining_a_habitable_home_environment": "Maintaining a habitable home (cell) environment",
    "developing_and_maintaining_family_or_other_personal_relationships": (
        "Developing and maintaining family or other personal relationships"
    ),
    "accessing_and_engaging_in_work_training_education_or_volunteering": (
        "Accessing and engaging in work, training, education or volunteering"
    ),
    "making_use_of_necessary_facilities_or_services_in_the_local_community": (
        "Making use of necessary facilities or services in the local community"
    ),
    "carrying_out_any_caring_responsibilities_for_a_child": "Carrying out any caring responsibilities for a child",
}

WORDS: Mapping[str, Mapping[str, str]] = {
    "domain": {
        **CARE_ACT_OUTCOME_WORDS,
        "mobility": "Mobility",
        "sensory": "Sight or hearing",
        "cognition": "Memory and understanding",
        "mental_wellbeing": "Mental wellbeing",
        "communication": "Communication",
    },
    "need_status": {"active": "Still to be met", "resolved": "Resolved"},
    "equipment_category": {
        "mobility": "Mobility",
        "sensory": "Sight or hearing",
        "personal_care": "Personal care",
        "cell_adaptation": "Cell adaptation",
        "continence": "Continence",
        "communication": "Communication",
        "medical": "Medical",
        "other": "Other",
    },
    "owner": {
        "person": "The person",
        "prison": "The prison",
        "nhs": "The NHS",
        "local_authority": "The council (local authority)",
    },
    "effectiveness": {
        "effective": "Worked well",
        "partly_effective": "Partly worked",
        "not_effective": "Did not work",
        "not_yet_known": "Not known yet",
    },
    "assessment_kind": {
        "care_act_needs_assessment": "Care Act needs assessment",
        "occupational_therapy": "Occupational therapy",
        "memory_assessment": "Memory assessment",
        "learning_disability_screening": "Learning disability screening",
        "sensory_assessment": "Sight or hearing assessment",
        "mental_health_assessment": "Mental health assessment",
        "carers_assessment": "Carer's assessment",
        "physiotherapy": "Physiotherapy",
        "speech_and_language_therapy": "Speech and language therapy",
        "wales_sswb_assessment": "Wales: Social Services and Well-being Act assessment",
        "scotland_single_shared_assessment": "Scotland: single shared assessment",
        "other": "Other",
    },
    "consent_how": {
        "signed": "Signed by the person",
        "verbal": "Said out loud by the person",
        "verbal_with_advocate": "Said out loud, with an advocate",
        "best_interests_decision": "Best interests decision (the person lacks capacity)",
        "self_service": "Set by the person on their own pages",
    },
    "audience": {
        "prison": "Prisons the person moves to",
        "local_authority": "Councils (local authorities)",
        "health": "NHS and health services",
        "probation": "Probation",
        "reception_card": "The card the person carries (read at reception)",
    },
    "section": {
        "subject": "Who the person is",
        "about_me": "About me",
        "communication": "Communication",
        "needs": "Needs",
        "eligibility": "Eligibility",
        "equipment": "Equipment",
        "services": "Services",
        "assessments": "Assessments",
        "social_work": "Social work",
        "caring_responsibilities": "Caring responsibilities",
        "responsibility": "Council responsible",
        "release_plan": "Release plan",
        "consent": "Consent",
    },
    "scheme": {
        "england_care_act_2015": "England: Care Act 2014 (2015 eligibility rules)",
        "wales_sswb_2015": "Wales: Social Services and Well-being Act 2014",
        "scotland_nec_2009": "Scotland: national eligibility criteria (2009)",
        "legacy_facs": "Fair Access to Care Services (before 2015)",
        "england_children_act_1989": "Under 18: child in need (Children Act 1989, section 17)",
    },
    "consent_given_by": {
        "person": "The person",
        "parental_responsibility": "Someone with parental responsibility (the person is under 18)",
    },
    "unable_reason": {
        "without_assistance": "Cannot do it without help",
        "significant_pain_distress_anxiety": "Can do it, but only with a lot of pain, distress or anxiety",
        "endangers_health_or_safety": "Doing it puts their or others' health or safety at risk",
        "significantly_longer": "Takes much longer than would normally be expected",
    },
    "wales_area": {
        "self_care_or_domestic_routines": "Self-care or domestic routines",
        "communication": "Communication",
        "protection_from_abuse_or_neglect": "Protection from abuse or neglect",
        "work_education_learning_or_leisure": "Work, education, learning or leisure",
        "family_or_other_significant_personal_relationships": "Family or other important relationships",
        "social_relationships_and_community": "Social relationships and the community",
        "caring_responsibilities_for_a_child": "Caring for a child",
    },
    "band": {"critical": "Critical", "substantial": "Substantial", "moderate": "Moderate", "low": "Low"},
    # Languages most often needed in prisons in England and Wales; any other BCP 47 tag is shown as it is.
    "language": {
        "en": "English",
        "cy": "Welsh",
        "gd": "Scottish Gaelic",
        "pl": "Polish",
        "ro": "Romanian",
        "lt": "Lithuanian",
        "sq": "Albanian",
        "pt": "Portuguese",
        "es": "Spanish",
        "fr": "French",
        "ar": "Arabic",
        "ur": "Urdu",
        "pa": "Panjabi",
        "bn": "Bengali",
        "so": "Somali",
        "vi": "Vietnamese",
        "zh": "Chinese",
        "tr": "Turkish",
        "ku": "Kurdish",
        "fa": "Persian",
    },
    "handover_reason": {"transfer": "Transfer to another prison", "release": "Release from prison"},
    "release_type": {
        "conditional_release": "Conditional release",
        "licence": "Release on licence",
        "parole": "Parole",
        "end_of_sentence": "End of sentence",
        "home_detention_curfew": "Home detention curfew (tag)",
    },
    # Where a council is with a person due into its area (schemas.AUTHORITY_STEPS), in the order things happen.
    "authority_step": {
        "received": "Notice received",
        "acknowledged": "Acknowledged",
        "record_pulled": "Record pulled",
        "assessment_started": "Assessment started",
        "plan_agreed": "Care and support plan agreed",
        "equipment_arranged": "Equipment arranged",
        "in_place": "Everything in place for the day of release",
    },
    "late_reason": {
        "declined": "The council said it is not their area: the release plan needs the right council",
        "not_acknowledged": "The council has not acknowledged the notice",
        "record_not_pulled": "The council has not looked at the care record",
    },
    "role": {
        "admin": "administrator",
        "care_staff": "care staff",
        "reception": "reception",
        "authority": "staff",
        "auditor": "auditor",
        "person": "the person",
    },
}
"""Plain labels, by kind of code, then code."""


def say(kind: str, code: object) -> str:
    """The label of ``code`` of ``kind``; a code with no label is shown as it is (never an error on a page)."""
    text = str(code)
    return WORDS.get(kind, {}).get(text, text.replace("_", " "))


def options(kind: str, *, leave_out: tuple[str, ...] = ()) -> tuple[tuple[str, str], ...]:
    """``(code, label)`` pairs of a kind, in the order above, for a select or a group of radios."""
    return tuple((code, label) for code, label in WORDS[kind].items() if code not in leave_out)


def day(value: object) -> str:
    """An ISO date as staff read it: 2 May 2025 (anything else as it is)."""
    try:
        found = date.fromisoformat(str(value))
    except ValueError:
        return as_text(value)
    return common_day(found)


def organisation(org: object, names: Mapping[str, str] = MappingProxyType({})) -> str:
    """An organisation by name (as this service knows it, or as the directory of organisations does); one that
    neither knows by what kind it is, with its id for staff to look up: "a council (la:E09000099)"."""
    text = str(org)
    return find_organisation_name(text, names) or f"{organisation_kind(text)} ({text})"


def council_options(*keep: object) -> tuple[tuple[str, str], ...]:
    """Every council the directory of organisations lists, as ``(id, name)`` sorted by name, to choose one by
    name; with any of ``keep`` (a passport's stored council) that the directory does not list, so that what was
    recorded is still shown and kept."""
    listed = {org: name for org, name in directory().items() if org.startswith("la:")}
    kept = {text: organisation(text) for text in map(as_text, keep) if text and text not in listed}
    return tuple(sorted((listed | kept).items(), key=lambda council: (council[1].casefold(), council[0])))
