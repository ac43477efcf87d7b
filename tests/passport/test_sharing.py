"""Who may see what, on the database: staff make views for any recipient, an authority pulls only its own
audience of passports that name it, an override reaches only its recipient until it expires, and only the
custodian serves views. Every view, override and reading of the trail is audited."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from crypto import SigningKey
from passport.core.versions import Handover
from passport.core.views import View
from passport.services.deployment import Deployment
from passport.services.peers import Peer, save_peer
from passport.services.principals import Principal
from passport.services.records import create_passport, hand_over, list_versions
from passport.services.sharing import audit_trail, create_override, serve_view
from passport.services.storage import AuditRow, OverrideRow, transaction, utcnow
from schemas import parse_content
from schemas.errors import AccessDenied, CustodyViolation, InvalidRequest, NotFound, PassportError
from tests.crypto.forge import refusal
from tests.passport.histories import RISLEY, WYMOTT

NOW = int(time.time())
STAFF = Principal("staff-1", WYMOTT, "care_staff")
DESTINATION = "la:E08000012"  # the reference passport's release destination
COUNCIL = Principal("la-1", DESTINATION, "authority", audience="local_authority")


@pytest.fixture
def pid(deployment: Deployment, reference: dict[str, Any]) -> str:
    """The reference passport, created at Wymott."""
    with transaction(deployment.engine) as session:
        return create_passport(
            session, identity=deployment.identity, principal=STAFF, content=parse_content(reference), now=NOW
        ).pid


def served(
    deployment: Deployment, pid: str, audience: str, *, principal: Principal = STAFF, recipient: str | None = None
) -> View:
    """A view, in its own transaction."""
    with transaction(deployment.engine) as session:
        return serve_view(
            session,
            identity=deployment.identity,
            principal=principal,
            pid=pid,
            audience=audience,
            recipient=recipient,
            now=NOW,
        )


def overridden(deployment: Deployment, pid: str, **changes: Any) -> None:
    """Record an override of n5 for Risley's reception card (or as ``changes`` say)."""
    body: dict[str, Any] = {
        "principal": STAFF,
        "recipient": RISLEY,
        "audience": "reception_card",
        "targets": ["n5"],
        "lawful_basis": "vital_interests",
        "reason": "Reception must know about his dementia to keep him safe on arrival.",
    } | changes
    with transaction(deployment.engine) as session:
        create_override(session, pid=pid, **body)


def trail(deployment: Deployment, pid: str) -> list[AuditRow]:
    """The passport's audit rows, oldest first."""
    with Session(deployment.engine) as session:
        return list(session.exec(select(AuditRow).where(AuditRow.pid == pid).order_by(col(AuditRow.seq))))


def test_staff_serve_a_view_for_a_named_recipient_and_it_is_audited(
    deployment: Deployment, pid: str, reference: dict[str, Any]
) -> None:
    """The view is for the recipient named; the audit row says which sections and items went, and no words."""
    view = served(deployment, pid, "health", recipient="health:RW4")
    permitted = reference["consent"]["audiences"]["health"]["permit"]
    assert (view.recipient, set(view.sections)) == ("health:RW4", {"subject", *permitted})
    row = trail(deployment, pid)[-1]
    assert (row.action, row.outcome, row.org, row.ver) == ("view", "ok", WYMOTT, 1)
    detail = json.loads(row.detail or "{}")
    assert detail["recipient"] == "health:RW4" and detail["items"] == list(view.items)
    assert reference["needs"][0]["summary"] not in (row.detail or "")
    with refusal(InvalidRequest, "invalid_request", "which organisation"):
        served(deployment, pid, "health")


def test_an_authority_pulls_only_its_own_audience_of_a_passport_that_names_it(deployment: Deployment, pid: str) -> None:
    """The release destination gets its local_authority view, bound to itself whatever it asks; another
    audience is access_denied; asking for a view for someone else, or an unknown audience, is not_found."""
    assert served(deployment, pid, "local_authority", principal=COUNCIL).recipient == DESTINATION
    assert served(deployment, pid, "local_authority", principal=COUNCIL, recipient=DESTINATION).recipient == DESTINATION
    with refusal(AccessDenied, "access_denied", "local_authority views"):
        served(deployment, pid, "health", principal=COUNCIL)
    with refusal(NotFound, "not_found", "no passport"):
        served(deployment, pid, "local_authority", principal=COUNCIL, recipient="la:E07000127")
    with refusal(NotFound, "not_found", "no such audience"):
        served(deployment, pid, "press", principal=COUNCIL)


@pytest.mark.parametrize("role", ["authority", "peer"])
def test_a_passport_that_does_not_name_an_organisation_does_not_exist_for_it(
    deployment: Deployment, pid: str, role: str
) -> None:
    """An authority or peer the passport does not name gets not_found, the same as for no passport at all."""
    stranger = Principal("x-1", "la:E09000001", role, audience="local_authority")
    for asked in (pid, "6f1c2b8e-3d4a-4b5c-8d6e-7f8091a2b3c4"):
        with refusal(NotFound, "not_found", "no passport with that id"):
            served(deployment, asked, "local_authority", principal=stranger)


@pytest.mark.parametrize(
    ("principal", "error"),
    [
        (Principal("r-1", WYMOTT, "reception"), AccessDenied),
        (Principal("a-1", WYMOTT, "auditor"), AccessDenied),
        (Principal("s-1", RISLEY, "care_staff"), NotFound),
    ],
)
def test_reception_auditors_and_other_organisations_staff_make_no_views(
    deployment: Deployment, pid: str, principal: Principal, error: type[PassportError]
) -> None:
    """The role matrix (access_denied) and the object rule (not_found for another organisation's staff)."""
    with pytest.raises(error):
        served(deployment, pid, "prison", principal=principal, recipient=RISLEY)


def test_an_override_reaches_only_its_recipient_and_audience_until_it_expires(deployment: Deployment, pid: str) -> None:
    """n5 is withheld from the reception card; the override shows it to Risley's reception card views, not to
    another prison nor another audience, and no longer once it has expired."""
    assert "n5" not in served(deployment, pid, "reception_card", recipient=RISLEY).items
    overridden(deployment, pid)
    view = served(deployment, pid, "reception_card", recipient=RISLEY)
    assert "n5" in view.items and view.overridden == ("n5",)
    assert json.loads(trail(deployment, pid)[-1].detail or "{}")["overridden"] == ["n5"]
    assert "n5" not in served(deployment, pid, "reception_card", recipient="prison:LEI").items
    assert not served(deployment, pid, "prison", recipient=RISLEY).overridden
    with transaction(deployment.engine) as session:
        for row in session.exec(select(OverrideRow)).all():
            row.expires_at = utcnow() - timedelta(seconds=1)
            session.add(row)
    assert "n5" not in served(deployment, pid, "reception_card", recipient=RISLEY).items


def test_an_override_needs_a_lawful_basis_known_targets_and_a_role_that_may(deployment: Deployment, pid: str) -> None:
    """A made-up basis or target is invalid_request, reception may not, and none of them leaves an override;
    the one made is audited with its basis and reason."""
    with refusal(InvalidRequest, "invalid_request", "lawful basis"):
        overridden(deployment, pid, lawful_basis="hunch")
    with refusal(InvalidRequest, "invalid_request", "does not have"):
        overridden(deployment, pid, targets=["n99"])
    with refusal(AccessDenied, "access_denied", "may not override"):
        overridden(deployment, pid, principal=Principal("r-1", WYMOTT, "reception"))
    with Session(deployment.engine) as session:
        assert session.exec(select(OverrideRow)).all() == []
    overridden(deployment, pid)
    row = trail(deployment, pid)[-1]
    detail = json.loads(row.detail or "{}")
    assert (row.action, detail["lawful_basis"], detail["targets"]) == ("override", "vital_interests", ["n5"])
    assert detail["reason"].startswith("Reception must know")


def handed_to_risley(deployment: Deployment, pid: str) -> None:
    """Wymott trusts Risley and hands the passport over to it."""
    risley = Peer(RISLEY, "HMP Risley", "prison", "http://127.0.0.1:9", (SigningKey.generate().public,), {})
    with transaction(deployment.engine) as session:
        save_peer(session, risley, identity=deployment.identity)
        hand_over(
            session,
            identity=deployment.identity,
            principal=STAFF,
            pid=pid,
            handover=Handover(RISLEY, "transfer", "2026-12-01"),
            expected_ver=1,
            now=NOW,
        )


def test_after_a_handover_the_sender_serves_no_more_views(deployment: Deployment, pid: str) -> None:
    """Custody moved to Risley: Wymott's staff and the authority both get custody_violation."""
    handed_to_risley(deployment, pid)
    for principal, recipient in ((STAFF, DESTINATION), (COUNCIL, None)):
        with refusal(CustodyViolation, "custody_violation", "no longer has custody"):
            served(deployment, pid, "local_authority", principal=principal, recipient=recipient)


def test_only_the_organisation_a_handover_names_pulls_the_whole_record(deployment: Deployment, pid: str) -> None:
    """A peer pulls the whole history only once a handover names it as next custodian; before that, and for any
    other organisation, even one the passport names for views, the passport does not exist."""
    peer = Principal("peer-1", RISLEY, "peer", audience="prison")
    council_peer = Principal("peer-2", DESTINATION, "peer", audience="local_authority")

    def pulled(principal: Principal) -> list[int]:
        with transaction(deployment.engine) as session:
            return [v.ver for v in list_versions(session, principal=principal, pid=pid)]

    for principal in (peer, council_peer):
        with refusal(NotFound, "not_found", "no passport with that id"):
            pulled(principal)
    handed_to_risley(deployment, pid)
    assert pulled(peer) == [1, 2]
    for principal in (council_peer, COUNCIL):
        with pytest.raises(NotFound):
            pulled(principal)


def test_the_audit_trail_is_for_staff_and_auditors_and_reading_it_is_audited(deployment: Deployment, pid: str) -> None:
    """Oldest first, starting with the creation; each reading adds a row; reception may not read it, and
    another organisation's auditor is told the passport does not exist."""
    for role in ("care_staff", "auditor"):
        with transaction(deployment.engine) as session:
            rows = audit_trail(session, principal=Principal("p", WYMOTT, role), pid=pid)
        assert rows[0].action == "create" and [r.seq for r in rows] == sorted(r.seq for r in rows)
    assert [r.action for r in trail(deployment, pid)][-2:] == ["read_audit", "read_audit"]
    with refusal(AccessDenied, "access_denied", "may not audit"), transaction(deployment.engine) as session:
        audit_trail(session, principal=Principal("r", WYMOTT, "reception"), pid=pid)
    with refusal(NotFound, "not_found", "no passport"), transaction(deployment.engine) as session:
        audit_trail(session, principal=Principal("a", RISLEY, "auditor"), pid=pid)
