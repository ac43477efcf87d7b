"""Saving a staff form as the next version, the one way every edit form saves.

A form carries the version it was based on (``ver``). The new content is that version plus the change, checked
by ``parse_content``, and ``amend_passport`` saves it only if that version is still current. When a colleague
saved first (``StaleVersion``), neither person's work is lost: the form's fields are merged three ways
(``merge.py``: the version the form was based on, the colleague's, this person's). Without a clash the merge is
saved at once and the page says so; a field both changed differently brings the form back (409) with, beside
that field, what it was, what the colleague saved and what this person typed, and the current version in ``ver``.

Saving a clash-free merge at once, rather than showing it for a confirming save, is deliberate: every value
either person typed is kept, so there is nothing for the person to decide, and a confirming page identical to
the form teaches people to press Save unread while leaving a second window for yet another race.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from fastapi.responses import HTMLResponse, Response

from api.pages.common.names import organisation_names
from api.pages.common.render import redirect
from api.pages.common.session import StaffSession
from api.pages.staff.amend import Editor, custodian
from api.pages.staff.forms.fields import Checked, Part, Values, check_content_error, check_required, read_values
from api.pages.staff.merge import Clash, merge
from api.pages.staff.page import Posted, form_int, person_name
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
    mistake, 422, or a lost race, 409, with what changed, the fields both people changed, or that the colleague
    removed the item)."""

    content: dict[str, Any]
    ver: int
    values: Values
    names: dict[str, str]
    checked: Checked | None = None
    race: Race | None = None
    status_code: int = 200
    clashes: Mapping[str, Clash] = field(default_factory=dict)
    gone: bool = False  # the colleague removed the item this form changes

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
            "clashes": self.clashes,
            "gone": self.gone,
        }


ShowForm = Callable[[Shown], HTMLResponse]
"""Draws an edit form (first, after a mistake, or after a lost race)."""


@dataclass(frozen=True)
class Edit:
    """One kind of change: its form's fields, how it changes the content, how its form is drawn, where it ends.

    ``values_of`` reads what the form edits out of a content (``None`` when that item is gone), for merging
    with a colleague's change; it is ``None`` itself for a form that adds something new, which cannot clash.
    """

    parts: Callable[[Mapping[str, Any], Values], tuple[Part, ...]]
    apply: Callable[[dict[str, Any], Values, Editor], tuple[dict[str, Any], str]]  # -> new content, its prefix
    show: ShowForm
    done: str  # where to go after saving (``?saved=...`` is added)
    saved: str
    renames: Callable[[Values], dict[str, str]] = field(default=lambda values: {})
    check: Callable[[Values], dict[str, str]] = field(default=lambda values: {})
    values_of: Callable[[Mapping[str, Any]], Values | None] | None = None
    removes: bool = False


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
    """Build the next content from the version the form was based on, check it, and save it if that is current;
    if a colleague saved first, merge (``after_race``)."""
    based, names = based_on(deployment, web, pid, posted)
    sent: Values = {key: value for key, value in posted.multi_items() if isinstance(value, str)}
    values = read_values(posted, edit.parts(based.content, sent))
    saving = _Saving(deployment, web, source, pid, edit, Editor(web.principal, int(time.time())), names)
    return saving.onto(based, values)


# A save that loses a race merges and tries again on the new current version; a passport changed this often
# while one person saves is refused (409) after these many merges rather than looping.
_MERGES = 3


@dataclass(frozen=True)
class _Saving:
    """One save of one form, by one editor: onto a version, and again onto the next one after a lost race."""

    deployment: Deployment
    web: StaffSession
    source: str | None
    pid: str
    edit: Edit
    editor: Editor
    names: dict[str, str]

    def onto(self, stored: StoredVersion, values: Values, *, race: Race | None = None, merges: int = 0) -> Response:
        """Apply the form to ``stored``, check it, and save it if ``stored`` is still current."""
        edit = self.edit
        parts = edit.parts(stored.content, values)
        checked = check_required(values, parts, edit.check(values))
        content: PassportContent | None = None
        prefix = ""  # where the change sits in the content, once apply() has said
        try:
            new, prefix = edit.apply(stored.content, values, self.editor)
            content = parse_content(new)
        except InvalidContent as exc:
            renames = edit.renames(values)
            check_content_error(exc, parts, prefix=prefix, renames=renames, section_title=_title, checked=checked)
        if checked.problems or content is None:
            status = 409 if race else 422
            shown = Shown(
                stored.content, stored.ver, values, self.names, checked=checked, race=race, status_code=status
            )
            return edit.show(shown)
        if content_to_claims(content) == stored.content:
            return redirect(f"{edit.done}?saved=nothing")
        try:
            with transaction(self.deployment.engine) as session:
                amend_passport(
                    session,
                    identity=self.deployment.identity,
                    principal=self.web.principal,
                    pid=self.pid,
                    expected_ver=stored.ver,
                    content=content,
                    now=self.editor.now,
                    source=self.source,
                )
        except StaleVersion:
            if merges >= _MERGES:
                raise
            return self.after_race(stored, values, merges=merges + 1)
        # The card in the person's pocket still verifies, but shows what was true before: say a new one is needed.
        reprint = "&card=reprint" if card_changed(stored.parsed, content) else ""
        merged = "&merged=yes" if race else ""
        return redirect(f"{edit.done}?saved={edit.saved}{reprint}{merged}")

    def after_race(self, based: StoredVersion, values: Values, *, merges: int) -> Response:
        """A colleague saved since ``based``: keep both people's work, field by field, and save at once unless
        the same field was changed by both (then the form again, 409, saying which and with what)."""
        edit = self.edit
        race, current = race_lost(self.deployment, self.web, self.pid, based.ver, self.names, self.source)

        def again(**said: Any) -> HTMLResponse:
            return edit.show(
                Shown(current.content, current.ver, values, self.names, race=race, status_code=409, **said)
            )

        if edit.values_of is None:  # something new is added: nothing of the colleague's can be lost
            return self.onto(current, values, race=race, merges=merges)
        theirs = edit.values_of(current.content)
        if theirs is None:  # the colleague removed what this person was changing (or removing)
            return redirect(f"{edit.done}?saved=gone") if edit.removes else again(gone=True)
        base = edit.values_of(based.content) or {}
        if edit.removes:
            # Removing what the colleague has just changed would throw their change away unseen: ask again.
            return again() if theirs != base else self.onto(current, values, race=race, merges=merges)
        merged = merge(edit.parts(current.content, values), base=base, theirs=theirs, mine=values)
        if merged.clashes:
            shown = Shown(current.content, current.ver, merged.values, self.names, race=race, status_code=409)
            return edit.show(replace(shown, clashes=merged.by_field))
        return self.onto(current, merged.values, race=race, merges=merges)


def race_lost(
    deployment: Deployment, web: StaffSession, pid: str, ver: int, names: dict[str, str], source: str | None
) -> tuple[Race, StoredVersion]:
    """What changed since ``ver``, and the current version."""
    with transaction(deployment.engine) as session:
        return lost_race(session, principal=web.principal, pid=pid, based_on=ver, names=names, source=source)


def _title(section: str) -> str:
    return say("section", section)
