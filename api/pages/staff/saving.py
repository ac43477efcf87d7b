"""Saving a staff form as the next version, the one way every edit form saves.

A form carries the version it was based on (``ver``). The new content is that version plus the change, checked
by ``parse_content``, and ``amend_passport`` saves it only if that version is still current. When someone else
saved first (``StaleVersion``), nothing is overwritten: the form comes back with what they changed, what this
user typed, and the current version in ``ver``, so that saving again puts the change on top.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi.responses import HTMLResponse, Response

from api.pages.common.render import redirect
from api.pages.common.session import StaffSession
from api.pages.staff.amend import Editor, custodian
from api.pages.staff.forms.fields import Checked, Part, Values, check_content_error, check_required, read_values
from api.pages.staff.page import Posted, form_int, organisation_names, person_name
from api.pages.staff.race import Race, lost_race
from api.pages.staff.words import say
from passport.core import card_changed
from passport.services import (
    Deployment,
    StoredVersion,
    amend_passport,
    get_current,
    require,
    transaction,
    version_to_amend,
)
from schemas import PassportContent, content_to_claims, parse_content
from schemas.errors import CustodyViolation, InvalidContent, StaleVersion


@dataclass(frozen=True)
class Shown:
    """What an edit form is drawn with: the version it edits, what is in its fields, and what went wrong (a
    mistake, 422, or a lost race, 409, with what changed)."""

    content: dict[str, Any]
    ver: int
    values: Values
    names: dict[str, str]
    checked: Checked | None = None
    race: Race | None = None
    status_code: int = 200

    @classmethod
    def of(cls, stored: StoredVersion, values: Values, names: dict[str, str]) -> Shown:
        """A form first shown for the current version."""
        return cls(stored.content, stored.ver, values, names)

    @property
    def form(self) -> dict[str, Any]:
        """What ``staff_form.html`` (and ``staff_remove.html``) take of it."""
        return {
            "status_code": self.status_code,
            "caption": person_name(self.content),
            "values": self.values,
            "ver": self.ver,
            "problems": self.checked.problems if self.checked else [],
            "errors": self.checked.by_field if self.checked else {},
            "race": self.race,
        }


ShowForm = Callable[[Shown], HTMLResponse]
"""Draws an edit form (first, after a mistake, or after a lost race)."""


@dataclass(frozen=True)
class Edit:
    """One kind of change: its form's fields, how it changes the content, how its form is drawn, where it ends."""

    parts: Callable[[Mapping[str, Any], Values], tuple[Part, ...]]
    apply: Callable[[dict[str, Any], Values, Editor], tuple[dict[str, Any], str]]  # -> new content, its prefix
    show: ShowForm
    done: str  # where to go after saving (``?saved=...`` is added)
    saved: str
    renames: Callable[[Values], dict[str, str]] = field(default=lambda values: {})
    check: Callable[[Values], dict[str, str]] = field(default=lambda values: {})


def editable(
    deployment: Deployment, web: StaffSession, pid: str, source: str | None
) -> tuple[StoredVersion, dict[str, str]]:
    """The current version for a form, and the names of organisations: only for roles that may change
    passports, and only while this organisation has custody."""
    require(web.principal, "amend")
    with transaction(deployment.engine) as session:
        stored = get_current(session, principal=web.principal, pid=pid, source=source)
        names = organisation_names(session, deployment.identity)
    if custodian(stored) != deployment.identity.org_id:
        raise CustodyViolation(
            "this passport has been handed over; only the organisation that has it now can change it"
        )
    return stored, names


def based_on(
    deployment: Deployment, web: StaffSession, pid: str, posted: Posted
) -> tuple[StoredVersion, dict[str, str]]:
    """The version a posted form was based on (after the domain's access check), and the names of organisations."""
    ver = form_int(posted, "ver")
    with transaction(deployment.engine) as session:
        based = version_to_amend(session, principal=web.principal, pid=pid, ver=ver)
        names = organisation_names(session, deployment.identity)
    return based, names


def save(
    deployment: Deployment, web: StaffSession, source: str | None, pid: str, posted: Posted, edit: Edit
) -> Response:
    """Build the next content from the version the form was based on, check it, and save it if that is current."""
    editor = Editor(web.principal, int(time.time()))
    based, names = based_on(deployment, web, pid, posted)
    sent: Values = {key: value for key, value in posted.multi_items() if isinstance(value, str)}
    parts = edit.parts(based.content, sent)
    values = read_values(posted, parts)
    checked = check_required(values, parts, edit.check(values))
    content: PassportContent | None = None
    prefix = ""  # where the change sits in the content, once apply() has said
    try:
        new, prefix = edit.apply(based.content, values, editor)
        content = parse_content(new)
    except InvalidContent as exc:
        renames = edit.renames(values)
        check_content_error(exc, parts, prefix=prefix, renames=renames, section_title=_title, checked=checked)
    if checked.problems or content is None:
        return edit.show(Shown(based.content, based.ver, values, names, checked=checked, status_code=422))
    if content_to_claims(content) == based.content:
        return redirect(f"{edit.done}?saved=nothing")
    try:
        with transaction(deployment.engine) as session:
            amend_passport(
                session,
                identity=deployment.identity,
                principal=web.principal,
                pid=pid,
                expected_ver=based.ver,
                content=content,
                now=editor.now,
                source=source,
            )
    except StaleVersion:
        race, current = race_lost(deployment, web, pid, based.ver, names, source)
        return edit.show(Shown(current.content, current.ver, values, names, race=race, status_code=409))
    # The card in the person's pocket still verifies, but shows what was true before: say a new one is needed.
    reprint = "&card=reprint" if card_changed(based.parsed, content) else ""
    return redirect(f"{edit.done}?saved={edit.saved}{reprint}")


def race_lost(
    deployment: Deployment, web: StaffSession, pid: str, ver: int, names: dict[str, str], source: str | None
) -> tuple[Race, StoredVersion]:
    """What changed since ``ver``, and the current version."""
    with transaction(deployment.engine) as session:
        return lost_race(session, principal=web.principal, pid=pid, based_on=ver, names=names, source=source)


def _title(section: str) -> str:
    return say("section", section)
