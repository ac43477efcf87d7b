"""Who may do what: the permission matrix, checked per action and per object.

Object rule: a passport is visible only to principals of the organisation that holds it
here; to anyone else it does not exist (``not_found``, never ``access_denied``, so that
passport ids do not leak). Role rule: the matrix below.
"""

from __future__ import annotations

from typing import Literal

from passport.services.principals import Principal
from passport.services.storage import PassportRow
from schemas.errors import AccessDenied, NotFound

Action = Literal[
    "create",
    "read",
    "amend",
    "handover",
    "view",
    "override",
    "audit",
    "import",
    "verify",
    "sign_in_code",
    "own_consent",
]

# role -> actions on the passports its own organisation holds (README "Who may do what"). An authority
# belongs to another organisation: it may pull views, for its own audience, of passports that name it
# (see passport.services.sharing). A peer is another organisation's deployment calling with a client assertion: an
# authority for its kind's audience, which may also pull the whole history of a passport handed over to it
# (passport.services.records.list_versions). A person never uses the API: they have their own pages.
PERMISSIONS: dict[str, frozenset[Action]] = {
    "admin": frozenset(
        {"create", "read", "amend", "handover", "view", "override", "audit", "import", "verify", "sign_in_code"}
    ),
    "care_staff": frozenset(
        {"create", "read", "amend", "handover", "view", "override", "audit", "import", "verify", "sign_in_code"}
    ),
    "reception": frozenset({"read", "import", "verify"}),
    "auditor": frozenset({"audit", "verify"}),
    "authority": frozenset({"view", "verify"}),
    "peer": frozenset({"view", "verify"}),
    "person": frozenset({"own_consent"}),  # and reading their own passport: passport.services.people
}


def may(principal: Principal, action: Action) -> bool:
    """Whether the principal's role allows ``action`` (for pages, to offer only what will work)."""
    return action in PERMISSIONS.get(principal.role, frozenset())


def require(principal: Principal, action: Action) -> None:
    """Refuse an action the principal's role does not allow."""
    if not may(principal, action):
        raise AccessDenied(f"the {principal.role} role may not {action} passports")


def require_own(principal: Principal, row: PassportRow | None) -> PassportRow:
    """The person's rule: a person reaches their own passport and no other, and only at the organisation that
    signed them in (their pages, never the API)."""
    if principal.role != "person" or principal.person_pid is None:
        raise AccessDenied("these pages are for the person whose passport it is")
    if row is None or row.pid != principal.person_pid or row.holder_org != principal.org:
        raise NotFound("no passport")
    return row


def require_on(principal: Principal, action: Action, row: PassportRow | None) -> PassportRow:
    """Refuse unless the passport exists, is held by the principal's organisation, and the role allows it."""
    if row is None or row.holder_org != principal.org:
        raise NotFound("no passport with that id")
    require(principal, action)
    return row
