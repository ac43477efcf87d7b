"""The whole permission matrix: every route x every role x whose passport, with the status each cell must get.

Rows are principals: Wymott's own admin, care staff, reception and auditor; care staff of another organisation;
an authority the passport names and one it does not; the person whose passport it is and another person. No
refused cell may carry the passport's data, and every request leaves exactly one audit row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from passport.services.principals import create_person_principal
from passport.services.storage import AuditRow, PassportRow, transaction
from tests.conftest import LiveServer

PRINCIPALS = [
    "admin",
    "care_staff",
    "reception",
    "auditor",
    "other_org_staff",
    "authority_named",
    "authority_unnamed",
    "person_own",
    "person_other",
]
# route -> expected status per principal, in the order of PRINCIPALS.
MATRIX: dict[str, tuple[int, ...]] = {
    "create": (201, 201, 403, 403, 403, 403, 403, 403, 403),
    "read": (200, 200, 200, 403, 404, 404, 404, 403, 403),
    "amend": (200, 200, 403, 403, 404, 404, 404, 403, 403),
    "history": (200, 200, 200, 403, 404, 404, 404, 403, 403),
    "version": (200, 200, 200, 403, 404, 404, 404, 403, 403),
    "handover": (201, 201, 403, 403, 404, 404, 404, 403, 403),
    "view": (200, 200, 403, 403, 404, 200, 404, 403, 403),
    "override": (201, 201, 403, 403, 404, 404, 404, 403, 403),
    "audit": (200, 200, 403, 200, 404, 404, 404, 403, 403),
    "verify": (200, 200, 200, 200, 200, 200, 200, 403, 403),
}


def again(content: dict[str, Any]) -> dict[str, Any]:
    """The same person's passport once more, on purpose (each cell has a fresh one)."""
    return {**content, "duplicate_reason": "the permission tests make a passport per cell for one person"}


PERSONAL = ("Whitfield", "A4821KD", "9434765919", "bus driver")


def _tokens(server: LiveServer, pid: str, other_pid: str) -> dict[str, str]:
    tokens = {role: server.token(role) for role in ("admin", "care_staff", "reception", "auditor")}
    tokens["other_org_staff"] = server.token("care_staff", org="prison:RSY")
    tokens["authority_named"] = server.token("authority", org="la:E08000012", audience="local_authority")
    tokens["authority_unnamed"] = server.token("authority", org="la:E09000001", audience="local_authority")
    with transaction(server.deployment.engine) as session:
        tokens["person_own"], _ = create_person_principal(session, org="prison:WYI", pid=pid)
        tokens["person_other"], _ = create_person_principal(session, org="prison:WYI", pid=other_pid)
    return tokens


def _current_ver(server: LiveServer, pid: str) -> int:
    with Session(server.deployment.engine) as session:
        row = session.get(PassportRow, pid)
        assert row is not None
        return row.current_ver


def _audit_count(server: LiveServer) -> int:
    with Session(server.deployment.engine) as session:
        return session.exec(select(func.count()).select_from(AuditRow)).one()


Request = Callable[[httpx.Client, str], httpx.Response]


def _requests(server: LiveServer, reference: dict[str, Any], sd_jwt: str) -> dict[str, Request]:
    def amend(client: httpx.Client, pid: str) -> httpx.Response:
        version = _current_ver(server, pid)
        return client.put(f"/v1/passports/{pid}", json=reference, headers={"If-Match": f'W/"{version}"'})

    def view(client: httpx.Client, pid: str) -> httpx.Response:
        authority = client.headers["X-Principal"].startswith("authority")
        params = {} if authority else {"for": "la:E08000012"}
        return client.get(f"/v1/passports/{pid}/views/local_authority", params=params)

    override = {
        "recipient": "la:E08000012",
        "audience": "local_authority",
        "targets": ["n5"],
        "lawful_basis": "safeguarding",
        "reason": "Adult safeguarding enquiry (Care Act 2014 s.42).",
    }
    return {
        "create": lambda c, pid: c.post("/v1/passports", json=again(reference)),
        "read": lambda c, pid: c.get(f"/v1/passports/{pid}"),
        "amend": amend,
        "history": lambda c, pid: c.get(f"/v1/passports/{pid}/versions"),
        "version": lambda c, pid: c.get(f"/v1/passports/{pid}/versions/1"),
        "handover": lambda c, pid: c.post(
            f"/v1/passports/{pid}/handover", json={"to": "la:E08000012", "reason": "release", "date": "2027-02-14"}
        ),
        "view": view,
        "override": lambda c, pid: c.post(f"/v1/passports/{pid}/overrides", json=override),
        "audit": lambda c, pid: c.get(f"/v1/passports/{pid}/audit"),
        "verify": lambda c, pid: c.post("/v1/verify", json={"sd_jwt": sd_jwt}),
    }


@pytest.mark.parametrize("route", list(MATRIX))
def test_permission_matrix(live_server: LiveServer, reference: dict[str, Any], route: str) -> None:
    """Each cell gets its status; refusals carry no personal data; each request leaves one audit row."""
    live_server.trust("la:E08000012", "Bradford Council")  # the handover cell hands over to it
    creator = live_server.client(live_server.token("care_staff"))
    other_pid = creator.post("/v1/passports", json=reference).json()["pid"]
    tokens: dict[str, str] | None = None
    for principal, expected in zip(PRINCIPALS, MATRIX[route], strict=True):
        # A fresh passport per cell, so that one cell's write (a handover) cannot change the next cell's answer.
        created = creator.post("/v1/passports", json=again(reference)).json()
        pid = created["pid"]
        tokens = tokens or _tokens(live_server, pid, other_pid)
        if principal == "person_own":
            with transaction(live_server.deployment.engine) as session:
                tokens[principal], _ = create_person_principal(session, org="prison:WYI", pid=pid)
        client = live_server.client(tokens[principal])
        client.headers["X-Principal"] = principal
        before = _audit_count(live_server)
        response = _requests(live_server, reference, created["sd_jwt"])[route](client, pid)
        assert response.status_code == expected, f"{route} as {principal}: {response.status_code} {response.text}"
        assert _audit_count(live_server) == before + 1, f"{route} as {principal} did not leave exactly one audit row"
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
            assert not any(value in response.text for value in PERSONAL), f"{route} as {principal} leaked data"
