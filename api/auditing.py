"""Auditing refusals that happen before a route's handler runs."""

from __future__ import annotations

from fastapi import Request

from passport.core import PID_PATTERN
from passport.services import Actor, Principal, record_refusal

# The audit action of each operation, so a refusal before the handler reads like one inside it.
AUDIT_ACTIONS = {
    "create_passport": "create",
    "get_passport": "read",
    "amend_passport": "amend",
    "list_versions": "read_history",
    "get_version": "read_version",
    "hand_over_passport": "handover",
    "get_view": "view",
    "create_override": "override",
    "get_audit": "read_audit",
    "verify": "verify",
    "get_card": "card_render",
    "scan_card": "scan",
    "import_passport": "import",
}


def audit_refusal(request: Request, principal: Principal | None, code: str) -> None:
    """Audit a request refused before its handler ran (a body that did not validate, a person's token)."""
    route = request.scope.get("route")
    if principal is None or route is None:
        return
    pid = request.path_params.get("pid")
    record_refusal(
        request.app.state.deployment.engine,
        actor=Actor(principal.id, principal.org, principal.role, request.client.host if request.client else None),
        action=AUDIT_ACTIONS.get(getattr(route, "operation_id", ""), "request"),
        code=code,
        pid=pid if isinstance(pid, str) and PID_PATTERN.fullmatch(pid) else None,
    )
