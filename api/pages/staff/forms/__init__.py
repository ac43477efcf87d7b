"""Every section's form, by section name, in the order of the passport (``schemas.SECTIONS``)."""

from __future__ import annotations

from collections.abc import Mapping

from api.pages.staff.forms.care import CARE_FORMS
from api.pages.staff.forms.eligibility import ELIGIBILITY
from api.pages.staff.forms.fields import SectionForm
from api.pages.staff.forms.person import ABOUT_ME, COMMUNICATION, RELEASE_PLAN, SUBJECT
from schemas import SECTIONS

_ALL = {form.section: form for form in (SUBJECT, ABOUT_ME, COMMUNICATION, ELIGIBILITY, RELEASE_PLAN, *CARE_FORMS)}

FORMS: Mapping[str, SectionForm] = {name: _ALL[name] for name in SECTIONS if name in _ALL}
"""The form of each section staff edit (all but consent, which has its own page)."""


def form_for(section: str) -> SectionForm | None:
    """The form of a section, if it has one."""
    return FORMS.get(section)
