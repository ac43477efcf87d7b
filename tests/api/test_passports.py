"""The passport routes over real HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from crypto import SdJwt
from passport.services.storage import AuditRow, PassportRow, VersionRow
from tests.conftest import LiveServer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:websockets.*")


def _create(client: httpx.Client, content: dict[str, Any]) -> httpx.Response:
    response = client.post("/v1/passports", json=content)
    assert response.status_code == 201, response.text
    return response


def _amend(client: httpx.Client, pid: str, content: dict[str, Any], ver: int) -> httpx.Response:
    return client.put(f"/v1/passports/{pid}", json=content, headers={"If-Match": f'W/"{ver}"'})


def _counts(server: LiveServer) -> tuple[int, int]:
    with Session(server.deployment.engine) as session:
        passports = session.exec(select(func.count()).select_from(PassportRow)).one()
        versions = session.exec(select(func.count()).select_from(VersionRow)).one()
    return passports, versions


def test_reference_passport_round_trips_through_three_versions(
    live_server: LiveServer, reference: dict[str, Any], tmp_path: Path
) -> None:
    """Create -> v1, amend -> v2 (prev = digest(v1)), amend -> v3; the history verifies offline from the JWKS."""
    client = live_server.client(live_server.token("care_staff"))
    created = _create(client, reference)
    assert created.headers["ETag"] == 'W/"1"'
    v1 = created.json()
    pid = v1["pid"]
    assert created.headers["Location"] == f"/v1/passports/{pid}"
    assert v1["ver"] == 1 and v1["prev"] is None and v1["issuer"] == "prison:WYI"

    amended = dict(reference, about_me=dict(reference["about_me"], likes=["crosswords"]))
    v2 = _amend(client, pid, amended, 1)
    assert v2.status_code == 200, v2.text
    assert v2.json()["prev"] == v1["digest"] == SdJwt.parse(v1["sd_jwt"]).issuer_jwt_digest
    v3 = _amend(client, pid, reference, 2)
    assert v3.status_code == 200 and v3.json()["prev"] == v2.json()["digest"]

    current = client.get(f"/v1/passports/{pid}")
    assert current.json()["ver"] == 3 and current.headers["ETag"] == 'W/"3"'
    history = client.get(f"/v1/passports/{pid}/versions").json()
    assert [v["ver"] for v in history["versions"]] == [1, 2, 3]
    assert client.get(f"/v1/passports/{pid}/versions/2").json()["content"]["about_me"]["likes"] == ["crosswords"]

    # Offline, in a home with no identity at all: the JWKS alone.
    (tmp_path / "jwks.json").write_text(json.dumps(httpx.get(f"{live_server.url}/.well-known/jwks.json").json()))
    (tmp_path / "history.json").write_text(json.dumps(history))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "verify",
            str(tmp_path / "history.json"),
            "--jwks",
            str(tmp_path / "jwks.json"),
            "--issuer",
            "prison:WYI",
            "--home",
            str(tmp_path / "empty-home"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    verified = json.loads(result.stdout)
    assert verified["kind"] == "history" and verified["versions"] == 3 and verified["ver"] == 3
    # Every disclosed claim equals what was stored.
    assert verified["content"] == current.json()["content"]


def test_disclosed_claims_equal_the_stored_content(live_server: LiveServer, reference: dict[str, Any]) -> None:
    """What the signed version discloses is exactly the content stored and served."""
    client = live_server.client(live_server.token("care_staff"))
    pid = _create(client, reference).json()["pid"]
    served = client.get(f"/v1/passports/{pid}").json()
    verified = client.post("/v1/verify", json={"sd_jwt": served["sd_jwt"]})
    assert verified.status_code == 200, verified.text
    assert verified.json()["content"] == served["content"]
    assert verified.json()["kind"] == "version"
    # The stored content is the reference passport (nulls dropped as absent).
    assert served["content"]["needs"] == reference["needs"]
    assert served["content"]["subject"] == reference["subject"]


def test_put_needs_if_match_and_refuses_a_stale_one(live_server: LiveServer, reference: dict[str, Any]) -> None:
    """No If-Match: 428. A stale If-Match: 412. Neither writes a version."""
    client = live_server.client(live_server.token("care_staff"))
    pid = _create(client, reference).json()["pid"]
    missing = client.put(f"/v1/passports/{pid}", json=reference)
    assert missing.status_code == 428
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["code"] == "precondition_required"
    assert _amend(client, pid, reference, 1).status_code == 200
    stale = _amend(client, pid, reference, 1)
    assert stale.status_code == 412 and stale.json()["code"] == "stale_version"
    assert _counts(live_server) == (1, 2)


def test_concurrent_puts_with_one_if_match_make_exactly_one_version(
    live_server: LiveServer, reference: dict[str, Any]
) -> None:
    """20 PUTs racing with the same If-Match: exactly one succeeds, the rest get 412, one new version."""
    token = live_server.token("care_staff")
    pid = _create(live_server.client(token), reference).json()["pid"]
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def put() -> None:
        with live_server.client(token) as client:
            barrier.wait()
            statuses.append(_amend(client, pid, reference, 1).status_code)

    threads = [threading.Thread(target=put) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [412] * 19
    assert _counts(live_server) == (1, 2)
    history = live_server.client(token).get(f"/v1/passports/{pid}/versions").json()
    assert [v["ver"] for v in history["versions"]] == [1, 2]


def test_another_organisation_cannot_read_or_write(live_server: LiveServer, reference: dict[str, Any]) -> None:
    """Staff of another organisation get 404 (not 403), so passport ids do not leak; nothing changes."""
    own = live_server.client(live_server.token("care_staff"))
    pid = _create(own, reference).json()["pid"]
    other = live_server.client(live_server.token("care_staff", org="prison:RSY"))
    for response in (
        other.get(f"/v1/passports/{pid}"),
        other.get(f"/v1/passports/{pid}/versions"),
        other.get(f"/v1/passports/{pid}/versions/1"),
        _amend(other, pid, reference, 1),
        other.post(
            f"/v1/passports/{pid}/handover",
            json={"to": "prison:RSY", "reason": "transfer", "date": "2026-12-01"},
        ),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "not_found"
    assert _counts(live_server) == (1, 1)
    # The refused attempts were audited.
    with Session(live_server.deployment.engine) as session:
        refused = session.exec(select(AuditRow).where(AuditRow.outcome == "not_found")).all()
    assert len(refused) == 5 and all(row.org == "prison:RSY" for row in refused)


def test_requests_without_a_valid_token_are_refused(live_server: LiveServer, reference: dict[str, Any]) -> None:
    """No token, or an unknown one: 401 with a Bearer challenge."""
    for headers in ({}, {"Authorization": "Bearer cpt_not-a-real-token"}, {"Authorization": "Basic eDp5"}):
        response = httpx.post(f"{live_server.url}/v1/passports", json=reference, headers=headers)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert _counts(live_server) == (0, 0)


def test_bad_content_is_refused_naming_the_field_and_nothing_is_stored(
    live_server: LiveServer, reference: dict[str, Any]
) -> None:
    """A wrong NHS check digit: 422 invalid_content naming subject.identifiers, with the value nowhere."""
    client = live_server.client(live_server.token("care_staff"))
    bad = json.loads(json.dumps(reference))
    bad["subject"]["identifiers"][1]["value"] = "9434765918"
    response = client.post("/v1/passports", json=bad)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_content"
    assert any(e["field"].startswith("subject.identifiers") for e in body["errors"])
    assert "9434765918" not in response.text
    assert _counts(live_server) == (0, 0)


def test_handover_passes_custody_and_the_sender_can_no_longer_amend(
    live_server: LiveServer, reference: dict[str, Any]
) -> None:
    """After a handover the version names the next custodian, and this organisation may not sign another."""
    live_server.trust("prison:RSY", "HMP Risley")
    client = live_server.client(live_server.token("care_staff"))
    pid = _create(client, reference).json()["pid"]
    handed = client.post(
        f"/v1/passports/{pid}/handover", json={"to": "prison:RSY", "reason": "transfer", "date": "2026-12-01"}
    )
    assert handed.status_code == 201, handed.text
    assert handed.json()["custody"] == {"org": "prison:WYI", "next": "prison:RSY"}
    refused = _amend(client, pid, reference, 2)
    assert refused.status_code == 409 and refused.json()["code"] == "custody_violation"
    assert _counts(live_server) == (1, 2)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "prison:RSY", "reason": "holiday", "date": "2026-12-01"}, "reason"),
        ({"to": "Risley", "reason": "transfer", "date": "2026-12-01"}, "to"),
        ({"to": "prison:RSY", "reason": "transfer", "date": "01/12/2026"}, "date"),
        ({"to": "prison:RSY", "reason": "transfer", "date": "20261201"}, "date"),
    ],
)
def test_bad_handover_is_refused(
    live_server: LiveServer, reference: dict[str, Any], body: dict[str, str], field: str
) -> None:
    """A handover that is not {to, reason: transfer|release, date: YYYY-MM-DD} is refused and writes nothing."""
    live_server.trust("prison:RSY", "HMP Risley")
    client = live_server.client(live_server.token("care_staff"))
    pid = _create(client, reference).json()["pid"]
    response = client.post(f"/v1/passports/{pid}/handover", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_content"
    assert field in json.dumps(response.json()["errors"])
    assert _counts(live_server) == (1, 1)


def test_roles_without_write_permission_are_refused(live_server: LiveServer, reference: dict[str, Any]) -> None:
    """Reception and auditors of the same organisation cannot create or amend (403); nothing is stored."""
    pid = _create(live_server.client(live_server.token("care_staff")), reference).json()["pid"]
    for role in ("reception", "auditor"):
        client = live_server.client(live_server.token(role))
        assert client.post("/v1/passports", json=reference).status_code == 403
        assert _amend(client, pid, reference, 1).json()["code"] == "access_denied"
    assert _counts(live_server) == (1, 1)


def test_every_read_and_write_leaves_an_audit_row(live_server: LiveServer, reference: dict[str, Any]) -> None:
    """Create, read, history, amend: one audit row each, for this passport and this principal."""
    client = live_server.client(live_server.token("care_staff"))
    pid = _create(client, reference).json()["pid"]
    client.get(f"/v1/passports/{pid}")
    client.get(f"/v1/passports/{pid}/versions")
    _amend(client, pid, reference, 1)
    with Session(live_server.deployment.engine) as session:
        rows = session.exec(select(AuditRow).where(AuditRow.pid == pid).order_by(col(AuditRow.seq))).all()
    assert [(r.action, r.outcome, r.ver) for r in rows] == [
        ("create", "ok", 1),
        ("read", "ok", 1),
        ("read_history", "ok", None),
        ("amend", "ok", 2),
    ]


def test_issuer_metadata_and_jwks(live_server: LiveServer) -> None:
    """The issuer publishes its id, endpoints and keys; health and readiness answer."""
    meta = httpx.get(f"{live_server.url}/.well-known/care-passport-issuer").json()
    assert meta["id"] == "prison:WYI" and meta["jwks_uri"].endswith("/.well-known/jwks.json")
    keys = httpx.get(meta["jwks_uri"]).json()["keys"]
    assert len(keys) == 1 and "d" not in keys[0]
    assert httpx.get(f"{live_server.url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{live_server.url}/readyz").json() == {"status": "ok"}


def test_unknown_routes_and_bad_ids_get_problem_json(live_server: LiveServer) -> None:
    """Never an HTML error page or a traceback: problem+json with a code."""
    client = live_server.client(live_server.token("care_staff"))
    for response in (client.get("/nope"), client.get("/v1/passports/not-a-uuid")):
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] in {"not_found", "invalid_content"}


def test_metrics_count_requests_by_route_template_without_ids(
    live_server: LiveServer, reference: dict[str, Any]
) -> None:
    """/metrics shows route templates and statuses, never a passport id."""
    client = live_server.client(live_server.token("care_staff"))
    pid = _create(client, reference).json()["pid"]
    client.get(f"/v1/passports/{pid}")
    text = httpx.get(f"{live_server.url}/metrics").text
    assert 'route="/v1/passports/{pid}"' in text and 'status="200"' in text
    assert pid not in text


def test_handover_only_to_a_trusted_organisation(live_server: LiveServer, reference: dict[str, Any]) -> None:
    """An organisation with no keys here could never sign the next version: refused, nothing written."""
    client = live_server.client(live_server.token("care_staff"))
    pid = _create(client, reference).json()["pid"]
    handover = {"to": "prison:RSJ", "reason": "transfer", "date": "2026-12-01"}
    response = client.post(f"/v1/passports/{pid}/handover", json=handover)
    assert response.status_code == 400 and "trust" in response.json()["detail"]
    assert _counts(live_server) == (1, 1)


def test_validation_errors_never_echo_what_was_sent(live_server: LiveServer, reference: dict[str, Any]) -> None:
    """A made-up identifier system and a made-up key that carry personal data are refused without repeating it."""
    client = live_server.client(live_server.token("care_staff"))
    bad = json.loads(json.dumps(reference))
    bad["subject"]["identifiers"][0]["system"] = "SECRET-NAME-Smith"
    bad["subject"]["John Smith born 1949"] = "x"
    response = client.post("/v1/passports", json=bad)
    assert response.status_code == 422 and response.json()["code"] == "invalid_content"
    assert "Smith" not in response.text and "1949" not in response.text
    assert any(e["field"].startswith("subject") for e in response.json()["errors"])
