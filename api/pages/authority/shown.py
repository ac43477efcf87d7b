"""The care details a notice carried, as the council's staff read them: the sections the person's consent let the
prison share, drawn with the staff pages' own field definitions (``api.pages.staff.display``), and, first, what
must be ready on the day: the equipment that goes with the person and the services that must be in place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from api.pages.staff.display import Section, show_section
from api.pages.staff.forms import FORMS
from api.pages.staff.page import person_name
from api.pages.staff.words import say
from passport.core import Verification


def care_context(view: Verification | None, names: Mapping[str, str], today: date) -> dict[str, Any]:
    """What the notice page draws the shared care details from (all empty when the notice carried none)."""
    if view is None:
        return {"name": None, "subject": None, "sections": [], "disclosed": [], "follows": [], "in_place": []}
    claims: Mapping[str, Any] = view.version.claims
    subject = show_section(FORMS["subject"], claims, names, today) if "subject" in claims else []
    sections = [
        Section(form, show_section(form, claims, names, today))
        for form in FORMS.values()
        if form.section != "subject" and form.section in claims
    ]
    return {
        "name": person_name(claims) if "subject" in claims else None,
        "subject": subject[0] if subject else None,
        "sections": sections,
        "disclosed": [say("section", s) for s in view.disclosed_sections],
        "follows": equipment_that_follows(claims),
        "in_place": services_to_have_in_place(claims),
    }


def equipment_that_follows(claims: Mapping[str, Any]) -> list[str]:
    """The equipment that goes with the person on release, each as a line: what it is and who owns it."""
    return [
        f"{item.get('item')}, owned by {_lower_first(say('owner', item.get('owner')))}"
        for item in claims.get("equipment") or ()
        if isinstance(item, Mapping) and item.get("follows_person") is True
    ]


def _lower_first(words: str) -> str:
    """ "The NHS" as it reads mid-sentence: "the NHS"."""
    return words[:1].lower() + words[1:]


def services_to_have_in_place(claims: Mapping[str, Any]) -> list[str]:
    """What must be in place on the day: what the release plan says must be arranged, then the services the
    person receives now (no end date), each as a line."""
    plan = claims.get("release_plan")
    to_arrange = [f"To arrange: {line}" for line in plan.get("to_arrange") or ()] if isinstance(plan, Mapping) else []
    current = [
        f"{item.get('service')}, from {item.get('provider')}"
        + (f", {item.get('frequency')}" if item.get("frequency") else "")
        + " (received now)"
        for item in claims.get("services") or ()
        if isinstance(item, Mapping) and not item.get("end")
    ]
    return to_arrange + current
