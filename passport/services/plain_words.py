"""The audit trail in plain words, for the person whose passport it is: "HMP Risley reception looked at your card
on 3 March". Short sentences, one idea each, no codes (the easy-read way)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from passport.services.audit import AuditEntry
from passport.services.storage import as_utc
from schemas import find_organisation_name, organisation_kind

_ROLE_WORDS = {
    "admin": "staff",
    "care_staff": "care staff",
    "reception": "reception",
    "auditor": "auditor",
    "authority": "staff",
    "peer": "staff",
}
_AUDIENCE_WORDS = {
    "prison": "a prison",
    "local_authority": "a council",
    "health": "NHS staff",
    "probation": "probation",
    "reception_card": "your card",
}
# Events a person wants to hear about, and how to say them. {who} is "HMP Wymott care staff" or "You".
_SENTENCES = {
    "create": "{who} made your passport.",
    "read": "{who} read your passport.",
    "read_history": "{who} read the old versions of your passport.",
    "read_version": "{who} read an old version of your passport.",
    "amend": "{who} changed your passport.",
    "consent_change": "{who} changed who can see your passport.",
    "view": "{who} got the parts of your passport that you let {audience} see.",
    "card_render": "{who} printed your passport card.",
    "scan": "{who} looked at your card.",
    "verify_card": "{who} looked at your card.",
    "import": "{who} took in your passport.",
    "sign_in_code": "{who} printed a code so you can sign in.",
    "correction_request": "You told staff something is wrong.",
    "correction_resolved": "{who} dealt with what you said was wrong.",
}


@dataclass(frozen=True)
class PlainEvent:
    """One thing that happened to the passport, said plainly, and when."""

    when: datetime
    sentence: str
    extra: str | None = None  # a second sentence: why, or what happened next
    refused: bool = False


def organisation_name(org: str | None, names: Mapping[str, str]) -> str:
    """A name a person knows (the directory's, or one this deployment knows), or what kind of place it is."""
    if org is None:
        return "Someone"
    return find_organisation_name(org, names) or organisation_kind(org)


def _who(row: AuditEntry, names: Mapping[str, str]) -> str:
    if row.role == "person":
        return "You"
    place = organisation_name(row.org, names)
    role = _ROLE_WORDS.get(row.role or "", "staff")
    if row.role in ("authority", "peer"):
        return place[0].upper() + place[1:]
    return f"{place[0].upper() + place[1:]} {role}"


def describe(row: AuditEntry, names: Mapping[str, str]) -> PlainEvent | None:
    """One audit row in plain words; ``None`` for rows a person would not need (a sign-in, reading the trail)."""
    who = _who(row, names)
    detail = json.loads(row.detail) if row.detail else {}
    when = as_utc(row.at)
    if row.outcome != "ok":
        if row.action in ("verify", "sign_in", "request"):
            return None
        return PlainEvent(when, f"{who} tried to look at or change your passport. They were not allowed.", refused=True)
    if row.action == "handover":
        to = organisation_name(detail.get("to"), names)
        why = "you are moving there" if detail.get("reason") == "transfer" else "you are leaving prison"
        return PlainEvent(when, f"Your passport was passed to {to}.", f"This is because {why}.")
    if row.action == "view" and row.role == "system":  # a release notice carried the view
        to = organisation_name(detail.get("recipient"), names)
        return PlainEvent(
            when,
            f"{to[0].upper() + to[1:]} was told you are leaving prison.",
            "They got the parts of your passport that you let a council see.",
        )
    if row.action == "override":
        to = organisation_name(detail.get("recipient"), names)
        return PlainEvent(
            when,
            f"{who} shared part of your passport with {to} without asking you, to keep you safe.",
            f"The reason they gave: {detail.get('reason', '')}",
        )
    if row.action == "correction_request" and detail.get("kind") == "talk":
        return PlainEvent(when, "You asked care staff to come and talk to you.")
    sentence = _SENTENCES.get(row.action)
    if sentence is None:
        return None
    audience = _AUDIENCE_WORDS.get(str(detail.get("audience", "")), "them")
    return PlainEvent(when, sentence.format(who=who, audience=audience))


def describe_all(rows: list[AuditEntry], names: Mapping[str, str]) -> list[PlainEvent]:
    """Every row a person would want to hear about, in the order given."""
    return [event for event in (describe(row, names) for row in rows) if event is not None]
