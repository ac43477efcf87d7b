"""A running service whose audit trail was rewritten behind its back: it stops doing audited work."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from passport.services.storage import AuditRow
from tests.conftest import LiveServer
from tests.tamper import rewrite_audit_trail, unkeyed, unkeyed_seal


def _rows(server: LiveServer) -> int:
    with Session(server.deployment.engine) as session:
        return session.exec(select(func.count()).select_from(AuditRow)).one()


def test_a_forged_head_stops_audited_requests_with_503(live_server: LiveServer, reference: dict[str, Any]) -> None:
    """The rows re-hashed and the head moved without the key: the next audited request is 503 audit_tampered,
    and no row is written onto the forged chain."""
    client = live_server.client(live_server.token("care_staff"))
    pid = client.post("/v1/passports", json=reference).json()["pid"]
    for _ in range(2):
        assert client.get(f"/v1/passports/{pid}").status_code == 200
    rewrite_audit_trail(live_server.settings.database_url, remove=2, rehash=unkeyed, reseal=unkeyed_seal)
    before = _rows(live_server)
    refused = client.get(f"/v1/passports/{pid}")
    assert refused.status_code == 503 and refused.json()["code"] == "audit_tampered"
    assert _rows(live_server) == before
