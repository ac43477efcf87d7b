"""Two real prisons in this process, HMP Wymott and HMP Risley, each trusting the other: the helpers the transfer
tests share (the ``pair`` fixture that starts them is in ``conftest.py``)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func
from sqlmodel import Session, select

from passport.core.identity import IssuerInfo
from passport.services.peers import Peer, fetch_peer, save_peer
from passport.services.storage import PassportRow, VersionRow, transaction
from tests.conftest import LiveServer

RISLEY = IssuerInfo("prison:RSY", "HMP Risley", "prison", "http://127.0.0.1:1")


def trust(server: LiveServer, peer: Peer) -> None:
    """Make ``server`` trust ``peer`` (as ``passport trust add`` does)."""
    with transaction(server.deployment.engine) as session:
        save_peer(session, peer, identity=server.deployment.identity)


def fetch(server: LiveServer) -> Peer:
    """A server's issuer metadata and keys, fetched over HTTP."""
    with httpx.Client() as client:
        return fetch_peer(server.url, client=client)


def counts(server: LiveServer) -> tuple[int, int]:
    """How many passports and versions a server holds."""
    with Session(server.deployment.engine) as session:
        return (
            session.exec(select(func.count()).select_from(PassportRow)).one(),
            session.exec(select(func.count()).select_from(VersionRow)).one(),
        )


def handed_over(wymott: LiveServer, reference: dict[str, Any], to: str = "prison:RSY") -> dict[str, Any]:
    """A new passport at Wymott, handed over at once: the handover version as the API returned it."""
    staff = wymott.client(wymott.token("care_staff"))
    pid = staff.post("/v1/passports", json=reference).json()["pid"]
    handed = staff.post(f"/v1/passports/{pid}/handover", json={"to": to, "reason": "transfer", "date": "2026-12-01"})
    assert handed.status_code == 201
    return dict(handed.json())
