"""Who may do what: the permission matrix, checked per action and per object. Every rule lives here.

Role rule: the matrix below. Object rules, one per kind of principal (``require_on``):

- staff of an organisation reach the passports it holds here;
- a person reaches their own passport, at the organisation that signed them in (``require_own``);
- another organisation's client (an authority, or a peer deployment) reaches a passport only when its current
  version names that organisation: as involved in the person's care, for a view; as the next custodian, to pull
  the whole record after a handover.

To anyone else a passport does not exist (``not_found``, never ``access_denied``, so that passport ids do not leak).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from passport.services.principals import Principal
from passport.services.storage import PassportRow
from schemas.errors import AccessDenied, NotFound

if TYPE_CHECKING:
    from passport.services.records import StoredVersion

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
    "pull_record",
    "notify",
    "stats",
]

# role -> actions (README "Who may do what"). An authority belongs to another organisation: it may pull views, for
# its own audience, of passports that name it. A peer is another organisation's deployment calling with a client
# assertion: an authority for its kind's audience, which may also pull the whole record of a passport handed over
# to it, and send release notices and their receipts. A person never uses the API: they have their own pages.
# Release statistics name no one: every role of the organisation's own staff, and its auditors, may read them.
_KEEPERS: frozenset[Action] = frozenset(
    {"create", "read", "amend", "handover", "view", "override", "audit", "import", "verify", "sign_in_code", "stats"}
)
PERMISSIONS: dict[str, frozenset[Action]] = {
    "admin": _KEEPERS,
    "care_staff": _KEEPERS,
    "reception": frozenset({"read", "import", "verify", "stats"}),
    "auditor": frozenset({"audit", "verify", "stats"}),
    "authority": frozenset({"view", "verify"}),
    "peer": frozenset({"view", "verify", "pull_record", "notify"}),
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


def require_on(
    principal: Principal, action: Action, row: PassportRow | None, current: StoredVersion | None = None
) -> PassportRow:
    """Refuse unless the passport exists for the principal (the object rules above) and its role allows
    ``action``. For another organisation's client, ``current`` is the passport's current version, which must
    name it; without it, the staff rule applies, and such a client's organisation holds nothing here."""
    if principal.role == "person" and principal.person_pid is not None:
        row = require_own(principal, row)
    elif principal.role in OTHER_ORGANISATIONS and current is not None:
        if row is None or principal.org not in _naming(action, current):
            raise NotFound("no passport with that id")
    elif row is None or row.holder_org != principal.org:
        raise NotFound("no passport with that id")
    require(principal, action)
    return row


OTHER_ORGANISATIONS = ("authority", "peer")
"""The roles of another organisation's clients: they hold nothing here, and reach only what names them."""


def named_organisations(current: StoredVersion) -> set[str]:
    """The organisations a passport names as involved in the person's care: responsible authority, assessor,
    social work team, destination on release, and the next custodian after a handover."""
    content = current.parsed
    named = {r.authority for r in content.responsibility}
    named |= {w.authority for w in content.social_work}
    named |= {e.assessed_by for e in content.eligibility}
    named |= {a.by for a in content.assessments}
    if content.release_plan is not None and content.release_plan.destination_authority:
        named.add(content.release_plan.destination_authority)
    if current.custody_next:
        named.add(current.custody_next)
    return {str(org) for org in named}


def _naming(action: Action, current: StoredVersion) -> set[str]:
    """The organisations outside that ``action`` on this passport is open to."""
    if action == "view":
        return named_organisations(current)
    if action == "pull_record":  # the whole record goes to the organisation a handover names, and to no one else
        return {current.custody_next} if current.custody_next else set()
    return set()
