"""The person's own passport: signing in with a printed code, reading it, who has seen it, consent, corrections.

A person may read only their own passport. Staff print a code; the person signs in with it (no password
to remember: WCAG 2.2 SC 3.3.8). What the person changes themselves (their consent) makes a new version signed by
the organisation that keeps their passport, recorded as done by the person.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from passport.core.identity import Identity
from passport.services import audit
from passport.services.access import require_on, require_own
from passport.services.audit import AuditEntry, entries_for
from passport.services.drafts import forget_draft
from passport.services.list_entries import needs_new_card
from passport.services.local_keys import bound_to, keyed_digest
from passport.services.principals import Principal, create_person_principal
from passport.services.records import StoredVersion, current_version, next_version
from passport.services.storage import (
    CorrectionRow,
    ListEntryRow,
    PassportRow,
    SignInCodeRow,
    WebSessionRow,
    as_utc,
    utcnow,
)
from schemas import (
    DISCLOSABLE_SECTIONS,
    MAX_TEXT_LENGTH,
    Audience,
    PassportContent,
    clean_text,
    content_to_claims,
    parse_content,
)
from schemas.errors import AccessDenied, ConfigurationError, InvalidRequest, NotAuthenticated, NotFound

# A code is ten digits: the first four say whose code it is (unique among the codes that still work here), so
# failed tries can be counted against that person's code; the six after them are the secret.
CODE_DIGITS = 10
SELECTOR_DIGITS = 4
CODE_LIFETIME = timedelta(hours=24)
MAX_CORRECTION_CHARS = MAX_TEXT_LENGTH


def _code_hash(session: Session, code: str) -> str:
    """Keyed with the home's code key: 10^10 codes are tried in minutes against an unkeyed hash, never without the
    key."""
    return keyed_digest(key=bound_to(session).code_key, purpose="sign-in code", data=code.encode("ascii"))


def normalise_code(text: str) -> str:
    """A code as typed: spaces and dashes between the digit groups are fine."""
    return "".join(ch for ch in text if ch not in " -\t")


def code_groups(code: str) -> tuple[str, ...]:
    """A code as printed, in groups that are easy to read out and type: 1234 567 890."""
    return code[:4], code[4:7], code[7:]


def code_selector(text: str) -> str | None:
    """Whose code a typed code claims to be (its first digits), or ``None`` if it is not a code at all."""
    typed = normalise_code(text)
    if len(typed) != CODE_DIGITS or not typed.isascii() or not typed.isdigit():
        return None
    return typed[:SELECTOR_DIGITS]


def _free_selector(session: Session, org: str, now: datetime) -> str:
    """Digits no code that still works here begins with."""
    for _ in range(50):
        selector = "".join(secrets.choice("0123456789") for _ in range(SELECTOR_DIGITS))
        taken = session.exec(
            select(SignInCodeRow.code_hash).where(
                SignInCodeRow.selector == selector,
                SignInCodeRow.org == org,
                col(SignInCodeRow.used_at).is_(None),
                col(SignInCodeRow.expires_at) > now,
            )
        ).first()
        if taken is None:
            return selector
    raise ConfigurationError("too many sign-in codes are waiting to be used; try again later")


def issue_sign_in_code(session: Session, *, principal: Principal, pid: str, source: str | None = None) -> str:
    """A code for the person whose passport this is, for staff to print: it works for 24 hours, until the person
    signs out (see :func:`redeem_sign_in_code`)."""
    require_on(principal, "sign_in_code", session.get(PassportRow, pid))
    now = utcnow()
    selector = _free_selector(session, principal.org, now)
    code = selector + "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS - SELECTOR_DIGITS))
    # A new code replaces any the person had: only the newest printed paper works.
    session.execute(
        update(SignInCodeRow)
        .where(col(SignInCodeRow.pid) == pid)
        .values(used_at=func.coalesce(col(SignInCodeRow.used_at), now), principal_id=None)
        .execution_options(synchronize_session=False)
    )
    session.add(
        SignInCodeRow(
            code_hash=_code_hash(session, code),
            selector=selector,
            pid=pid,
            org=principal.org,
            created_by=principal.id,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    audit.record(session, actor=audit.actor_of(principal, source), action="sign_in_code", pid=pid)
    return code


def redeem_sign_in_code(session: Session, *, code: str, org: str, source: str | None = None) -> Principal:
    """The person a code belongs to. Unknown, spent or expired codes: ``not_authenticated``.

    A code works until the person signs out (``web_sessions.close_session`` spends it) or it expires, 24 hours after
    it was printed. A page session that ends by itself (left idle, or replaced by the next person at a shared kiosk)
    does not spend it, so a person whose pages closed while they were still writing gets back in with the paper in
    their hand; signing in with it again ends whatever page it opened before, so one code opens one page at a time.
    """
    if code_selector(code) is None:
        raise NotAuthenticated("that code is not right")
    row = session.get(SignInCodeRow, _code_hash(session, normalise_code(code)))
    now = utcnow()
    if row is None or row.org != org or as_utc(row.expires_at) <= now:
        raise NotAuthenticated("that code is not right")
    earlier = row.principal_id
    if row.used_at is not None and earlier is None:  # spent: they signed out, or a newer code was printed
        raise NotAuthenticated("that code is not right")
    _, person = create_person_principal(session, org=org, pid=row.pid)
    # Taken in one statement that only the code as read here passes, so two sign-ins at once cannot both use it.
    taken = col(SignInCodeRow.principal_id) == earlier if earlier else col(SignInCodeRow.used_at).is_(None)
    used = session.execute(
        update(SignInCodeRow)
        .where(col(SignInCodeRow.code_hash) == row.code_hash, taken)
        .values(used_at=now, principal_id=person.id)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise NotAuthenticated("that code is not right")
    if earlier:
        session.execute(delete(WebSessionRow).where(col(WebSessionRow.principal_id) == earlier))
    audit.record(session, actor=audit.actor_of(person, source), action="sign_in", pid=row.pid)
    return person


def _own(session: Session, person: Principal) -> PassportRow:
    return require_own(person, session.get(PassportRow, person.person_pid) if person.person_pid else None)


def own_passport(session: Session, *, person: Principal, source: str | None = None) -> StoredVersion:
    """The person's own passport, current version; reading it is audited like any read."""
    row = _own(session, person)
    stored = current_version(session, row.pid, row.current_ver)
    audit.record(session, actor=audit.actor_of(person, source), action="read", pid=row.pid, ver=stored.ver)
    return stored


def own_card_is_stale(session: Session, *, person: Principal) -> bool:
    """Whether the card the person carries (the last printed here) no longer shows what their passport says."""
    entry = session.get(ListEntryRow, _own(session, person).pid)
    return entry is not None and needs_new_card(entry)


def own_audit(session: Session, *, person: Principal) -> list[AuditEntry]:
    """Who has done what with the person's passport, newest first."""
    return entries_for(session, _own(session, person).pid, newest_first=True)


def change_own_consent(
    session: Session,
    *,
    identity: Identity,
    person: Principal,
    audience: Audience,
    section: str,
    allow: bool,
    now: int,
    source: str | None = None,
) -> StoredVersion:
    """The person allows or stops one audience seeing one section; a new version, signed by the custodian."""
    row = _own(session, person)
    if section not in DISCLOSABLE_SECTIONS:
        raise InvalidRequest("that is not a part of the passport you can share")
    stored = current_version(session, row.pid, row.current_ver)
    content = _with_consent(stored.parsed, person, audience, section, allow, now)
    return next_version(
        session,
        identity=identity,
        principal=person,
        permission="own_consent",
        pid=row.pid,
        expected_ver=row.current_ver,
        action="consent_change",
        now=now,
        source=source,
        content=content,
    )


def _with_consent(
    content: PassportContent, person: Principal, audience: Audience, section: str, allow: bool, now: int
) -> PassportContent:
    claims: dict[str, Any] = content_to_claims(content)
    consent = claims["consent"]
    today = datetime.fromtimestamp(now, UTC).date().isoformat()
    by = {"org": person.org, "role": "person"}
    current = set(content.consent.permitted_sections(audience))
    if not allow:
        if section in current:
            consent["withdrawals"] = [
                *consent.get("withdrawals", []),
                {"audience": audience, "section": section, "withdrawn_at": today, "recorded_by": by},
            ]
        return parse_content(claims)
    # Allowing again is a new consent, given by the person: what each audience may see now, withdrawals folded in.
    audiences = {}
    for name, given in consent["audiences"].items():
        permitted: list[str] = list(content.consent.permitted_sections(name))
        if name == audience and section not in permitted:
            permitted.append(section)
        audiences[name] = {**given, "permit": [s for s in DISCLOSABLE_SECTIONS if s in permitted]}
    if audience not in audiences:
        audiences[audience] = {"permit": [section]}
    claims["consent"] = {
        "recorded_at": max(today, consent["recorded_at"]),
        "recorded_by": by,
        "how": "self_service",
        "given_by": "person",  # they set it themselves, whoever gave the consent it replaces
        "audiences": audiences,
        "withdrawals": [],
    }
    return parse_content(claims)


def request_correction(
    session: Session, *, person: Principal, text: str, section: str | None = None, source: str | None = None
) -> Correction:
    """The person says something is wrong; care staff see it in their list."""
    row = _own(session, person)
    cleaned = clean_text(text, field="text")
    if section is not None and section not in (*DISCLOSABLE_SECTIONS, "subject"):
        raise InvalidRequest("that is not a part of the passport")
    forget_draft(session, row.pid)
    return _add_correction(session, person, row.pid, section, cleaned, source)


# What care staff read when the person pressed "Please come and talk to me" instead of writing.
TALK_TEXT = "Please come and talk to me about my passport. I pressed the button to ask: I did not write anything."


def request_talk(session: Session, *, person: Principal, source: str | None = None) -> Correction:
    """The person asks care staff to come and talk to them, without writing: a correction request with a fixed
    text, on the staff list like any other. Asking again while one is still waiting adds nothing; anything the
    person was writing is kept for them."""
    row = _own(session, person)
    waiting = session.exec(
        select(CorrectionRow).where(
            CorrectionRow.pid == row.pid, CorrectionRow.text == TALK_TEXT, col(CorrectionRow.resolved_at).is_(None)
        )
    ).first()
    if waiting is not None:
        return _correction(waiting)
    return _add_correction(session, person, row.pid, None, TALK_TEXT, source, kind="talk")


def _add_correction(
    session: Session,
    person: Principal,
    pid: str,
    section: str | None,
    text: str,
    source: str | None,
    kind: str | None = None,
) -> Correction:
    correction = CorrectionRow(pid=pid, section=section, text=text, created_at=utcnow())
    session.add(correction)
    session.flush()  # its id
    detail: dict[str, str | None] = {"section": section} if kind is None else {"section": section, "kind": kind}
    audit.record(
        session,
        actor=audit.actor_of(person, source),
        action="correction_request",
        pid=pid,
        detail=json.dumps(detail),
    )
    return _correction(correction)


def deals_with_corrections(principal: Principal) -> bool:
    """Whether the principal's role deals with the corrections people ask for (care staff and admins)."""
    return principal.role in ("admin", "care_staff")


def _require_corrections_role(principal: Principal) -> None:
    if not deals_with_corrections(principal):
        raise AccessDenied("only care staff deal with corrections")


@dataclass(frozen=True)
class Correction:
    """A person's request for a correction, waiting for care staff: which part, what they said, and when."""

    id: int
    pid: str
    section: str | None
    text: str
    created_at: datetime


def open_corrections(session: Session, *, principal: Principal, pid: str | None = None) -> list[Correction]:
    """Correction requests not yet dealt with, for this organisation's passports (one passport, if given)."""
    _require_corrections_role(principal)
    query = (
        select(CorrectionRow)
        .join(PassportRow, col(PassportRow.pid) == col(CorrectionRow.pid))
        .where(PassportRow.holder_org == principal.org, col(CorrectionRow.resolved_at).is_(None))
    )
    if pid is not None:
        query = query.where(CorrectionRow.pid == pid)
    return [_correction(row) for row in session.exec(query.order_by(col(CorrectionRow.created_at)))]


def _correction(row: CorrectionRow) -> Correction:
    assert row.id is not None  # flushed
    return Correction(row.id, row.pid, row.section, row.text, as_utc(row.created_at))


def open_correction_counts(session: Session, *, principal: Principal, pids: Collection[str]) -> dict[str, int]:
    """How many correction requests wait on each of these passports of this organisation (counted in the
    database; a passport with none is left out)."""
    _require_corrections_role(principal)
    if not pids:
        return {}
    counted = session.exec(
        select(CorrectionRow.pid, func.count())
        .join(PassportRow, col(PassportRow.pid) == col(CorrectionRow.pid))
        .where(
            PassportRow.holder_org == principal.org,
            col(CorrectionRow.pid).in_(pids),
            col(CorrectionRow.resolved_at).is_(None),
        )
        .group_by(col(CorrectionRow.pid))
    )
    return {pid: count for pid, count in counted}


def resolve_correction(
    session: Session, *, principal: Principal, correction_id: int, pid: str, source: str | None = None
) -> None:
    """Mark a correction request about passport ``pid`` as dealt with."""
    correction = session.get(CorrectionRow, correction_id)
    if correction is None or correction.pid != pid:
        raise NotFound("no such correction request")
    require_on(principal, "amend", session.get(PassportRow, correction.pid))
    correction.resolved_at, correction.resolved_by = utcnow(), principal.id
    session.add(correction)
    audit.record(session, actor=audit.actor_of(principal, source), action="correction_resolved", pid=correction.pid)


def today_utc(now: int) -> date:
    """The date today, in UTC."""
    return datetime.fromtimestamp(now, UTC).date()
