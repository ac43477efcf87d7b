"""Who may see what: consent-scoped views for other organisations, safety-critical overrides, the audit trail.

Who reaches which passport is :mod:`passport.services.access`'s rule. On top of it, for views:

- this organisation's own staff may make a view of a passport it holds, for any audience and recipient;
- an authority (another organisation's machine client) gets only its own audience, bound to itself;
- only the custodian serves views: after a handover, the new custodian does.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import cast

from sqlmodel import Session, select

from passport.core.identity import Identity
from passport.core.views import LAWFUL_BASES, LawfulBasis, Override, View, check_override_targets, make_view
from passport.services import audit
from passport.services.access import OTHER_ORGANISATIONS, require_on
from passport.services.principals import Principal
from passport.services.records import current_version
from passport.services.storage import OverrideRow, PassportRow, as_utc, utcnow
from schemas import AUDIENCES, Audience, clean_text
from schemas.errors import AccessDenied, CustodyViolation, InvalidRequest, NotFound

OVERRIDE_LIFETIME = timedelta(days=30)


def _audience(name: str) -> Audience:
    if name not in AUDIENCES:
        raise NotFound("no such audience")
    return name


def serve_view(
    session: Session,
    *,
    identity: Identity,
    principal: Principal,
    pid: str,
    audience: str,
    recipient: str | None,
    now: int,
    nonce: str | None = None,
    source: str | None = None,
) -> View:
    """The consent-scoped view of the current version for ``audience``, bound to its recipient."""
    chosen = _audience(audience)
    row = session.get(PassportRow, pid)
    stored = current_version(session, pid, row.current_ver) if row is not None else None
    require_on(principal, "view", row, stored)
    assert stored is not None  # require_on refuses a passport that does not exist
    if principal.role in OTHER_ORGANISATIONS:
        if recipient not in (None, principal.org):
            raise NotFound("no passport with that id")
        if principal.audience != chosen:
            raise AccessDenied(f"this client may only pull {principal.audience} views")
        recipient = principal.org
    elif recipient is None:
        raise InvalidRequest("say which organisation the view is for (?for=prison:RSY)")
    content = stored.parsed
    if stored.custodian != identity.org_id:
        raise CustodyViolation("this organisation no longer has custody of the passport")
    overrides = _active_overrides(session, pid, recipient, chosen)
    view = make_view(
        sd_jwt=stored.sd_jwt,
        content=content,
        audience=chosen,
        recipient=recipient,
        keyring=identity.keyring,
        overrides=overrides,
        now=now,
        nonce=nonce,
    )
    detail = {"audience": chosen, "recipient": recipient, "sections": view.sections, "items": view.items}
    if view.overridden:
        detail["overridden"] = view.overridden
    audit.record(
        session,
        actor=audit.actor_of(principal, source),
        action="view",
        pid=pid,
        ver=stored.ver,
        detail=json.dumps(detail),
    )
    return view


def create_override(
    session: Session,
    *,
    principal: Principal,
    pid: str,
    recipient: str,
    audience: str,
    targets: list[str],
    lawful_basis: str,
    reason: str,
    source: str | None = None,
) -> Override:
    """Record a safety-critical disclosure beyond consent; it is audited and the person is shown it."""
    row = require_on(principal, "override", session.get(PassportRow, pid))
    chosen = _audience(audience)
    if lawful_basis not in LAWFUL_BASES:
        raise InvalidRequest(f"the lawful basis must be one of {', '.join(LAWFUL_BASES)}")
    reason = clean_text(reason, field="reason")
    stored = current_version(session, pid, row.current_ver)
    checked = check_override_targets(stored.parsed, targets)
    now = utcnow()
    session.add(
        OverrideRow(
            pid=pid,
            recipient=recipient,
            audience=chosen,
            targets_json=json.dumps(checked),
            lawful_basis=lawful_basis,
            reason=reason,
            created_by=principal.id,
            created_at=now,
            expires_at=now + OVERRIDE_LIFETIME,
        )
    )
    detail = {"recipient": recipient, "audience": chosen, "targets": checked, "lawful_basis": lawful_basis}
    audit.record(
        session,
        actor=audit.actor_of(principal, source),
        action="override",
        pid=pid,
        ver=stored.ver,
        detail=json.dumps(detail | {"reason": reason}),
    )
    return Override(recipient, chosen, checked, lawful_basis, reason)


def _active_overrides(session: Session, pid: str, recipient: str, audience: Audience) -> list[Override]:
    now = utcnow()
    rows = session.exec(
        select(OverrideRow).where(
            OverrideRow.pid == pid, OverrideRow.recipient == recipient, OverrideRow.audience == audience
        )
    )
    return [
        Override(r.recipient, audience, tuple(json.loads(r.targets_json)), cast(LawfulBasis, r.lawful_basis), r.reason)
        for r in rows
        if as_utc(r.expires_at) > now
    ]


def audit_trail(
    session: Session, *, principal: Principal, pid: str, source: str | None = None
) -> list[audit.AuditEntry]:
    """A passport's audit trail, oldest first; reading it is itself audited."""
    require_on(principal, "audit", session.get(PassportRow, pid))
    rows = audit.entries_for(session, pid)
    audit.record(session, actor=audit.actor_of(principal, source), action="read_audit", pid=pid)
    return rows
