"""The forms about who may see what and who has the passport: consent, a new passport, and a handover.

Consent is recorded whole each time, as the person gives it now: per audience the sections they may see and
the items kept from them. Any withdrawals since the last consent are folded in (the form starts from what each
audience may see today) and the list of withdrawals starts again, as it does when the person allows a section
again on their own pages (``passport.services.people``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from api.pages.staff.amend import Editor
from api.pages.staff.forms import FORMS
from api.pages.staff.forms.fields import Checked, Field, FieldKind, Group, Part, Values, chosen, compact, text
from api.pages.staff.forms.person import build_subject, subject_parts, subject_renames
from api.pages.staff.words import options, say
from schemas import AUDIENCES, DISCLOSABLE_SECTIONS, LIST_SECTIONS, parse_content

AUDIENCE_HINTS = {
    "prison": "What a prison the person moves to can read before they arrive.",
    "local_authority": "What the council responsible for their care can read.",
    "health": "What NHS services can read.",
    "probation": "What the probation service can read.",
    "reception_card": "What the QR card shows reception staff: only needs, equipment and communication give alerts.",
}


def _withholdable(content: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Every item with an id, labelled with what it is (never its id)."""
    return tuple(
        (item["id"], FORMS[section].named(item))
        for section in LIST_SECTIONS
        for item in content.get(section, [])
        if isinstance(item.get("id"), str)
    )


def consent_parts(content: Mapping[str, Any]) -> tuple[Part, ...]:
    """How consent was given, then per audience the sections it may see and the items kept from it."""
    sections = tuple((s, say("section", s)) for s in DISCLOSABLE_SECTIONS)
    items = _withholdable(content)
    groups: list[Part] = []
    for audience in AUDIENCES:
        who = f"({say('audience', audience)})"
        permit = Field(f"permit.{audience}", "Parts they may see", "checkboxes", sections, optional=True)
        fields = [replace(permit, hidden_label=who, optional_text="")]
        if items:
            label = "Items to keep from them, even in those parts"
            withhold = Field(f"withhold.{audience}", label, "checkboxes", items, optional=True, folded=True)
            fields.append(replace(withhold, hidden_label=who, optional_text=""))
        hint = AUDIENCE_HINTS[audience]
        groups.append(Group(say("audience", audience), tuple(fields), hint, audience, boxed=True, heading=True))
    how = Field("how", "How the person gave consent", "select", options("consent_how", leave_out=("self_service",)))
    return (how, *GIVEN_BY, *groups)


# Who gave consent: a young person in the children and young people's secure estate may have it given for them by
# someone with parental responsibility (Children Act 1989 s.3), named with their role.
GIVEN_BY = (
    Field(
        "given_by",
        "Who gave consent",
        "radios",
        options("consent_given_by"),
        optional=True,
        hint="The person gives it, unless they are under 18 and someone with parental responsibility gives it.",
    ),
    Field(
        "given_by_name",
        "Name and role of the person with parental responsibility",
        optional=True,
        hint="For example: Sam Jones, mother. Or: Liverpool City Council, care order.",
    ),
)


def check_given_by(values: Values) -> dict[str, str]:
    """Who gave consent, said in staff's words before the schema says it in its own: someone with parental
    responsibility is named, and a name is only for them."""
    given_by, name = text(values, "given_by"), text(values, "given_by_name")
    if given_by == "parental_responsibility" and name is None:
        return {"given_by_name": "give their name and role, so that anyone can ask them."}
    if given_by != "parental_responsibility" and name is not None:
        return {"given_by_name": "leave this blank unless someone with parental responsibility gave consent."}
    return {}


def consent_values(content: Mapping[str, Any]) -> Values:
    """The consent form as the person's consent stands today (withdrawals taken into account)."""
    consent = parse_content(content).consent
    values: Values = {"how": "" if consent.how == "self_service" else consent.how}
    values["given_by"], values["given_by_name"] = consent.given_by or "", consent.given_by_name or ""
    for audience in AUDIENCES:
        values[f"permit.{audience}"] = list(consent.permitted_sections(audience))
        values[f"withhold.{audience}"] = sorted(consent.withheld_items(audience))
    return values


def build_consent(values: Values, editor: Editor) -> dict[str, Any]:
    """The ``consent`` section from its form, recorded today by this editor."""
    audiences: dict[str, dict[str, list[str]]] = {}
    for audience in AUDIENCES:
        permit = chosen(values, f"permit.{audience}")
        withhold = chosen(values, f"withhold.{audience}")
        if permit or withhold:  # an audience left out is permitted nothing
            audiences[audience] = {
                "permit": [s for s in DISCLOSABLE_SECTIONS if s in permit],
                "withhold_items": withhold,
            }
    consent: dict[str, Any] = {
        "recorded_at": editor.today,
        "recorded_by": editor.recorded_by,
        "audiences": audiences,
        "withdrawals": [],
    }
    if how := text(values, "how"):
        consent["how"] = how
    return consent | compact({"given_by": text(values, "given_by"), "given_by_name": text(values, "given_by_name")})


def consent_renames() -> dict[str, str]:
    """Where consent's errors go in its form."""
    renames = {f"audiences.{a}.permit": f"permit.{a}" for a in AUDIENCES}
    renames |= {"given_by": "given_by", "given_by_name": "given_by_name"}
    return renames | {f"audiences.{a}.withhold_items": f"withhold.{a}" for a in AUDIENCES}


# A new passport: the person, and their consent ------------------------------------------------------------------


def new_passport_parts() -> tuple[Part, ...]:
    """Who the person is, then their consent (no items yet to keep back)."""
    return (*subject_parts({}, {}), *consent_parts({}))


def build_new_passport(values: Values, editor: Editor) -> dict[str, Any]:
    """The content of version 1."""
    return {"subject": build_subject(values), "consent": build_consent(values, editor)}


def new_passport_renames(values: Values) -> dict[str, str]:
    """Where a new passport's errors go: subject.* and consent.* to their fields."""
    renames = {f"subject.{f}": f for f in ("family_name", "given_names", "preferred_name", "date_of_birth", "language")}
    renames |= {f"subject.{path}": name for path, name in subject_renames(values).items()}
    renames |= {f"consent.{path}": name for path, name in consent_renames().items()}
    return renames | {"consent.how": "how"}


# Handover -------------------------------------------------------------------------------------------------------

# The date exactly as a date field sends it. date.fromisoformat alone also takes "20240101" and "2024-W01-1"
# (Python 3.11+), which no one means to type and the content never writes.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# More trusted organisations than this are offered in a list to choose from rather than as radios.
_RADIOS_AT_MOST = 8


def handover_parts(receivers: Mapping[str, str]) -> tuple[Part, ...]:
    """To whom (one of ``receivers``, this organisation's trusted peers: id -> name), why and when."""
    choices = tuple(sorted(receivers.items(), key=lambda org: (org[1].casefold(), org[0])))
    kind: FieldKind = "radios" if len(choices) <= _RADIOS_AT_MOST else "select"
    hint = "Only organisations this service trusts are listed: they can check the passport came from here."
    return (
        Field("to", "Organisation taking over the passport", kind, choices, hint=hint),
        Field("reason", "Why", "radios", options("handover_reason")),
        Field("date", "Date of the move", "date"),
    )


def check_handover(values: Values, parts: tuple[Part, ...], receivers: Mapping[str, str]) -> Checked:
    """What is wrong with a handover form (the domain checks the rest)."""
    fields = {p.name: p for p in parts if isinstance(p, Field)}
    checked = Checked()
    to, reason, date = text(values, "to"), text(values, "reason"), text(values, "date")
    if to not in receivers:
        checked.add(fields["to"], "choose one of the organisations listed.")
    if reason not in ("transfer", "release"):
        checked.add(fields["reason"], "choose one.")
    if not _real_date(date or ""):
        checked.add(fields["date"], "give a real date, written like 2027-01-15 (year, month, day).")
    return checked


def _real_date(value: str) -> bool:
    """Whether ``value`` is a date written YYYY-MM-DD that is on the calendar (not 2027-02-30)."""
    if not _DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True
