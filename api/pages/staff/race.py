"""What changed between two versions of a passport, section by section, in words staff read.

Shown when a save lost a race: the person whose save was refused sees what the other change did before they
decide to save theirs on top. Items are matched by id (``~index`` for the few without one), and named by what
they are, never by their id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from api.pages.staff.amend import item_key
from api.pages.staff.forms import FORMS
from api.pages.staff.forms.fields import fields_of
from api.pages.staff.words import organisation, say
from passport.services import Principal, StoredVersion, get_current, get_version
from schemas import AUDIENCES, SECTIONS


@dataclass(frozen=True)
class Change:
    """One change: the section it was in, and what happened, in words."""

    section: str
    said: str


def what_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every difference between two contents, in section order."""
    changes: list[Change] = []
    for section in SECTIONS:
        before, after = old.get(section), new.get(section)
        if before == after:
            continue
        title = say("section", section)
        if section == "consent":
            changes.append(Change(title, f"changed {_consent_change(before or {}, after or {})}"))
        elif isinstance(before, list) or isinstance(after, list):
            changes += _list_changes(section, title, before or [], after or [])
        elif before is None:
            changes.append(Change(title, "added"))
        elif after is None:
            changes.append(Change(title, "removed"))
        else:
            changes.append(Change(title, f"changed {_fields_changed(section, before, after)}"))
    return changes


def _list_changes(section: str, title: str, before: list[Any], after: list[Any]) -> list[Change]:
    form = FORMS[section]
    old = {item_key(item, i): item for i, item in enumerate(before)}
    new = {item_key(item, i): item for i, item in enumerate(after)}
    found: list[Change] = []
    for key, item in new.items():
        if key not in old:
            found.append(Change(title, f"added {form.noun}: {form.describe(item)}"))
        elif old[key] != item:
            found.append(Change(title, f"changed {form.noun}: {form.describe(item)}"))
    found += [
        Change(title, f"removed {form.noun}: {form.describe(item)}") for key, item in old.items() if key not in new
    ]
    return found


def _fields_changed(section: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    form = FORMS.get(section)
    if form is None:
        return "some details"
    old, new = form.values_of(before), form.values_of(after)
    labels = {f.name: f.label for f in fields_of(form.parts({section: after}, new))}
    changed = [labels.get(name, name.replace("_", " ")) for name in new | old if old.get(name) != new.get(name)]
    # Referral rows and the like repeat a label; say each once.
    return ", ".join(dict.fromkeys(label.lower() for label in changed)) or "some details"


def _consent_change(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    old, new = before.get("audiences", {}), after.get("audiences", {})
    changed = [say("audience", a).lower() for a in AUDIENCES if old.get(a) != new.get(a)]
    if before.get("withdrawals") != after.get("withdrawals"):
        changed.append("withdrawals")
    return f"who can see what ({', '.join(changed)})" if changed else "how or when consent was recorded"


@dataclass(frozen=True)
class Race:
    """A save that lost a race: the version the form was based on, the one that is current, and what changed."""

    based_on: int
    current: int
    saved_at: datetime
    saved_by: str
    changes: list[Change]


def lost_race(
    session: Session, *, principal: Principal, pid: str, based_on: int, names: Mapping[str, str], source: str | None
) -> tuple[Race, StoredVersion]:
    """What happened since ``based_on``, and the current version (both reads audited as such)."""
    current = get_current(session, principal=principal, pid=pid, source=source)
    before = get_version(session, principal=principal, pid=pid, ver=based_on, source=source)
    changes = what_changed(before.content, current.content)
    if current.custody_next != before.custody_next and current.custody_next:
        changes.append(Change("Custody", f"handed over to {organisation(current.custody_next, names)}"))
    race = Race(based_on, current.ver, current.issued_at, organisation(current.issuer, names), changes)
    return race, current
