"""What a person was writing to care staff and has not sent yet, kept on the server for them alone.

A page session may end while the person is still writing (they paused, or the kiosk's network failed). What they
wrote is kept here, tied to their passport, never in the browser: nothing of it stays on a shared kiosk's screen
or storage for the next person, and the person gets it back only after signing in again with their own code. A
draft goes when they send it, when they empty the box, or a day after it was last saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from passport.services.access import require_own
from passport.services.principals import Principal
from passport.services.storage import CorrectionDraftRow, CorrectionRow, PassportRow, as_utc, utcnow
from schemas import DISCLOSABLE_SECTIONS

DRAFT_LIFETIME = timedelta(hours=24)
MAX_DRAFT_CHARS = 20_000  # what the form takes; the limit on what is sent is checked when it is sent


@dataclass(frozen=True)
class Draft:
    """What the person had written, and about which part (``None``: they did not say)."""

    section: str | None
    text: str
    saved_at: datetime


def _pid(session: Session, person: Principal) -> str:
    return require_own(person, session.get(PassportRow, person.person_pid) if person.person_pid else None).pid


def keep_draft(session: Session, *, person: Principal, text: str, section: str | None) -> None:
    """Keep what the person has written so far (an empty box forgets it)."""
    pid = _pid(session, person)
    if not text.strip():
        forget_draft(session, pid)
        return
    if _just_sent(session, pid, text):  # a save that set off before the form was sent, arriving after it
        return
    if section not in (*DISCLOSABLE_SECTIONS, "subject"):
        section = None
    row = session.get(CorrectionDraftRow, pid) or CorrectionDraftRow(pid=pid, text="", saved_at=utcnow())
    row.section, row.text, row.saved_at = section, text[:MAX_DRAFT_CHARS], utcnow()
    session.add(row)


def _just_sent(session: Session, pid: str, text: str) -> bool:
    latest = session.exec(
        select(CorrectionRow.text).where(CorrectionRow.pid == pid).order_by(col(CorrectionRow.id).desc()).limit(1)
    ).first()
    return latest is not None and latest.strip() == text.strip()


def own_draft(session: Session, *, person: Principal) -> Draft | None:
    """What the person was writing and has not sent, if they wrote anything in the last day."""
    pid = _pid(session, person)
    row = session.get(CorrectionDraftRow, pid)
    if row is None:
        return None
    if utcnow() - as_utc(row.saved_at) > DRAFT_LIFETIME:
        session.delete(row)
        return None
    return Draft(row.section, row.text, as_utc(row.saved_at))


def forget_draft(session: Session, pid: str) -> None:
    """The person sent what they wrote, or emptied the box: there is no draft any more."""
    row = session.get(CorrectionDraftRow, pid)
    if row is not None:
        session.delete(row)
