"""Auditing refusals: the one way a refused request is audited, whether it is refused before its handler runs
(:func:`audit_refusal`) or inside it (:func:`refusals_audited`, or :func:`audit_caught` for a page that shows
the refusal in its own words). A refusal is audited in a transaction of its own,
since the refused attempt's own is rolled back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request

from passport.core import PID_PATTERN
from passport.services import Deployment, Principal, actor_of, record_refusal
from schemas.errors import PassportError

# The audit action of each operation, so a refusal before the handler reads like one inside it.
AUDIT_ACTIONS = {
    "create_passport": "create",
    "get_passport": "read",
    "amend_passport": "amend",
    "list_versions": "read_history",
    "get_version": "read_version",
    "hand_over_passport": "handover",
    "get_view": "view",
    "get_fhir": "view",
    "create_override": "override",
    "get_audit": "read_audit",
    "verify": "verify",
    "get_card": "card_render",
    "scan_card": "scan",
    "import_passport": "import",
    "receive_notice": "notice",
    "list_notices": "read_notices",
    "acknowledge_notice": "notice_answer",
    "decline_notice": "notice_answer",
    "set_notice_status": "notice_answer",
    "receive_receipt": "notice_receipt",
    "get_release": "read_release",
    "late_releases": "read_late",
    "release_stats": "read_stats",
}


def audit_refusal(request: Request, principal: Principal | None, code: str) -> None:
    """Audit a request refused before its handler ran (a body that did not validate, a person's token)."""
    route = request.scope.get("route")
    if principal is None or route is None:
        return
    pid = request.path_params.get("pid")
    record_refusal(
        request.app.state.deployment.engine,
        actor=actor_of(principal, request.client.host if request.client else None),
        action=AUDIT_ACTIONS.get(getattr(route, "operation_id", ""), "request"),
        code=code,
        pid=pid if isinstance(pid, str) and PID_PATTERN.fullmatch(pid) else None,
    )


def audit_caught(
    deployment: Deployment, principal: Principal, source: str | None, action: str, code: str, pid: str | None = None
) -> None:
    """Audit a refusal a page caught to show in its own words (rather than raise)."""
    record_refusal(deployment.engine, actor=actor_of(principal, source), action=action, code=code, pid=pid)


@contextmanager
def refusals_audited(
    deployment: Deployment, principal: Principal, source: str | None, action: str, pid: str | None = None
) -> Iterator[None]:
    """Audit an attempt the block refuses (any of our errors) as ``action``, and let the error go on."""
    try:
        yield
    except PassportError as exc:
        audit_caught(deployment, principal, source, action, exc.code, pid)
        raise
