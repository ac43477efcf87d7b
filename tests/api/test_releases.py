"""Release into the community over HTTP, between two real servers: HMP Wymott (SQLite or PostgreSQL) and Liverpool
City Council (SQLite), trusting each other. A release plan makes a notice arrive, kept current with the passport;
the authority answers, and its signed receipts come back; the prison sees the journey and the late list. A notice
that is forged, replayed, for someone else or from someone else is refused and stores nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from crypto import SigningKey
from passport.core.identity import IssuerInfo
from passport.core.notices import sign_notice, transition_assessment_due
from passport.services import Principal, check_notice, deliver_due, make_client_assertion, pull_record, transaction
from passport.services.storage import ReceivedNoticeRow
from schemas import NoticeClaims
from schemas.errors import ConfigurationError
from tests.api.twoprisons import counts, fetch, trust
from tests.conftest import LiveServer, start_server

pytestmark = pytest.mark.slow

LIVERPOOL = IssuerInfo("la:E08000012", "Liverpool City Council", "local_authority", "http://127.0.0.1:1")
TODAY = datetime.now(UTC).date()


@pytest.fixture
def council(live_server: LiveServer, tmp_path: Path) -> Iterator[LiveServer]:
    """Liverpool's deployment, trusting Wymott and trusted by it."""
    server = start_server(tmp_path / "liverpool", f"sqlite:///{tmp_path / 'liverpool.db'}", LIVERPOOL)
    trust(live_server, fetch(server))
    trust(server, fetch(live_server))
    yield server
    server.stop()


def released_in(reference: dict[str, Any], days: int, **plan: Any) -> dict[str, Any]:
    """The reference passport, released ``days`` from today to Liverpool (or as ``plan`` says)."""
    content = dict(reference)
    content["release_plan"] = {
        **reference["release_plan"],
        "expected_date": (TODAY + timedelta(days=days)).isoformat(),
        "release_type": "licence",
        "contact": "Healthcare team, HMP Wymott",
        **plan,
    }
    return content


def send(server: LiveServer) -> tuple[int, int]:
    """Run the delivery job once, as the schedule or `passport releases send-due` would: (sent, failed)."""
    done = deliver_due(server.deployment, now=int(time.time()))
    return done.sent, done.failed


def notices(council: LiveServer) -> list[dict[str, Any]]:
    """What the council's staff see over the API."""
    answer = council.client(council.token("care_staff")).get("/v1/notices")
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["notices"]
    return found


def journey(prison: LiveServer, pid: str) -> dict[str, Any]:
    """The prison's view of a passport's one release."""
    answer = prison.client(prison.token("care_staff")).get(f"/v1/passports/{pid}/release")
    assert answer.status_code == 200, answer.text
    releases: list[dict[str, Any]] = answer.json()["releases"]
    assert len(releases) == 1
    return releases[0]


def stored_notices(council: LiveServer) -> int:
    with Session(council.deployment.engine) as session:
        return session.exec(select(func.count()).select_from(ReceivedNoticeRow)).one()


def test_a_notice_arrives_is_answered_and_kept_current(
    live_server: LiveServer, council: LiveServer, reference: dict[str, Any]
) -> None:
    """Sixty days ahead: the notice arrives with the verified view; the acknowledgement and the record pulled show
    at the prison; a new date reaches the authority as a new revision; nothing is sent twice."""
    staff = live_server.client(live_server.token("care_staff"))
    created = staff.post("/v1/passports", json=released_in(reference, 60))
    assert created.status_code == 201, created.text
    pid = created.json()["pid"]
    assert send(live_server) == (1, 0)
    assert send(live_server) == (0, 0)
    [notice] = notices(council)
    assert (notice["pid"], notice["sender"], notice["status"]) == (pid, "prison:WYI", "received")
    assert notice["expected_date"] == (TODAY + timedelta(days=60)).isoformat()
    assert (notice["days_notice"], notice["release_type"], notice["has_view"]) == (60, "licence", True)
    before = journey(live_server, pid)
    assert before["notified_at"] is not None and before["acknowledged_on"] is None and before["up_to_date"]

    la_staff = council.client(council.token("care_staff"))
    assert la_staff.post(f"/v1/notices/{notice['id']}/acknowledge").json()["status"] == "acknowledged"
    assert send(council) == (1, 0)
    # The council pulls the view with its own client assertion, as its deployment would.
    assertion = make_client_assertion(
        key=council.deployment.identity.keyring.active,
        issuer="la:E08000012",
        audience="prison:WYI",
        now=int(time.time()),
    )
    pulled = live_server.client(assertion).get(f"/v1/passports/{pid}/views/local_authority")
    assert pulled.status_code == 200, pulled.text
    after = journey(live_server, pid)
    assert after["acknowledged_on"] == TODAY.isoformat() and after["status"] == "acknowledged"
    assert after["pulled_at"] is not None and after["late"] == []

    current = staff.get(f"/v1/passports/{pid}")
    moved = released_in(reference, 45)
    changed = staff.put(f"/v1/passports/{pid}", json=moved, headers={"If-Match": current.headers["ETag"]})
    assert changed.status_code == 200, changed.text
    assert journey(live_server, pid)["up_to_date"] is False
    assert send(live_server) == (1, 0)
    [renewed] = notices(council)
    assert (renewed["seq"], renewed["expected_date"]) == (2, (TODAY + timedelta(days=45)).isoformat())
    assert renewed["status"] == "acknowledged"  # the authority's answer stands


def test_a_release_beyond_the_notice_period_waits(
    live_server: LiveServer, council: LiveServer, reference: dict[str, Any]
) -> None:
    """A release 100 days ahead is not notified yet (the period is 84 days); once called off, nothing is sent."""
    staff = live_server.client(live_server.token("care_staff"))
    pid = staff.post("/v1/passports", json=released_in(reference, 100)).json()["pid"]
    assert send(live_server) == (0, 0)
    assert stored_notices(council) == 0
    assert journey(live_server, pid)["notified_at"] is None


def test_a_declined_notice_is_on_the_late_list(
    live_server: LiveServer, council: LiveServer, reference: dict[str, Any]
) -> None:
    """Declined "not our area" with the authority that is: the prison sees the reason, and the release, twenty days
    away, is on the late list."""
    staff = live_server.client(live_server.token("care_staff"))
    pid = staff.post("/v1/passports", json=released_in(reference, 20)).json()["pid"]
    send(live_server)
    [notice] = notices(council)
    la_staff = council.client(council.token("care_staff"))
    body = {"reason": "He will live with his sister in Sefton", "suggested": "la:E08000014"}
    declined = la_staff.post(f"/v1/notices/{notice['id']}/decline", json=body)
    assert declined.status_code == 200, declined.text
    send(council)
    seen = journey(live_server, pid)
    assert (seen["declined_reason"], seen["declined_suggested"]) == (body["reason"], "la:E08000014")
    assert seen["late"] == ["declined", "record_not_pulled"]
    late = staff.get("/v1/releases/late").json()["releases"]
    assert [r["pid"] for r in late] == [pid]


def test_without_consent_a_notice_carries_no_care_data(
    live_server: LiveServer, council: LiveServer, reference: dict[str, Any]
) -> None:
    """Consent withholds everything from local authorities: the notice says only that someone is due, and the
    council's database holds neither the person's name nor their needs."""
    content = released_in(reference, 30)
    content["consent"] = {**reference["consent"], "audiences": {**reference["consent"]["audiences"]}}
    content["consent"]["audiences"]["local_authority"] = {"permit": []}
    staff = live_server.client(live_server.token("care_staff"))
    created = staff.post("/v1/passports", json=content)
    assert created.status_code == 201, created.text
    send(live_server)
    [notice] = notices(council)
    assert notice["has_view"] is False
    database = Path(council.settings.home.parent / "liverpool.db").read_bytes()
    for secret in (reference["subject"]["family_name"], reference["needs"][0]["summary"]):
        assert secret.encode() not in database


def test_on_release_the_council_imports_the_record_from_the_notice(
    live_server: LiveServer, council: LiveServer, reference: dict[str, Any]
) -> None:
    """No card to hand: the notice names the passport and the prison. Before the handover the prison serves the
    council nothing; a notice with a card too, a malformed id or an unknown one is refused; nothing is stored
    until the handover, then the whole record is, once, and the council continues the chain."""
    staff = live_server.client(live_server.token("care_staff"))
    pid = staff.post("/v1/passports", json=released_in(reference, 10)).json()["pid"]
    send(live_server)
    [notice] = notices(council)
    reception = council.client(council.token("reception"))
    refused = [
        ({"notice": notice["id"]}, 404, "not_found"),  # not handed over yet
        ({"notice": notice["id"], "card": "cp:/5655"}, 422, "invalid_content"),
        ({"notice": notice["id"], "history": []}, 422, "invalid_content"),
        ({"notice": "not-a-notice"}, 422, "invalid_content"),
        ({"notice": "0b9f2c4e-1d3a-4c5b-9e6f-7a8b9c0d1e2f"}, 404, "not_found"),
        ({}, 422, "invalid_content"),
    ]
    for body, status, code in refused:
        answer = reception.post("/v1/imports", json=body)
        assert (answer.status_code, answer.json()["code"]) == (status, code), (body, answer.text)
    assert counts(council) == (0, 0)
    handover = {"to": "la:E08000012", "reason": "release", "date": TODAY.isoformat()}
    assert staff.post(f"/v1/passports/{pid}/handover", json=handover).status_code == 201
    imported = reception.post("/v1/imports", json={"notice": notice["id"]})
    assert imported.status_code == 200, imported.text
    assert (imported.json()["ver"], imported.json()["new_versions"], imported.json()["card_ver"]) == (2, 2, None)
    assert reception.post("/v1/imports", json={"notice": notice["id"]}).json()["new_versions"] == 0
    assert counts(council) == (1, 2)
    la_staff = council.client(council.token("care_staff"))
    v3 = la_staff.put(f"/v1/passports/{pid}", json=released_in(reference, 10), headers={"If-Match": 'W/"2"'})
    assert (v3.status_code, v3.json()["issuer"]) == (200, "la:E08000012"), v3.text
    assert journey(live_server, pid)["released"] is True


def forged(council: LiveServer, key: SigningKey, *, sender: str = "prison:WYI", to: str = "la:E08000012") -> str:
    claims = NoticeClaims(
        id="0b9f2c4e-1d3a-4c5b-9e6f-7a8b9c0d1e2f",
        seq=1,
        pid="6f1c2b8e-3d4a-4b5c-8d6e-7f8091a2b3c4",
        expected_date=TODAY + timedelta(days=10),
        releasing=sender,
    )
    return sign_notice(claims, key=key, sender=sender, recipient=to, now=int(time.time()))


def post_notice(council: LiveServer, caller_key: SigningKey, caller: str, notice: str) -> Any:
    assertion = make_client_assertion(key=caller_key, issuer=caller, audience="la:E08000012", now=int(time.time()))
    return council.client(assertion).post("/v1/notices", json={"notice": notice})


def test_forged_misaddressed_and_replayed_notices_are_refused_and_store_nothing(
    live_server: LiveServer, council: LiveServer
) -> None:
    """Signed by a key Wymott does not own; for another authority; naming another prison than the caller; from a
    caller nobody trusts: each refused with its code, and the council holds no notice. A repeated revision is
    taken once."""
    wymott_key = live_server.deployment.identity.keyring.active
    stranger = SigningKey.generate()
    cases = [
        (wymott_key, "prison:WYI", forged(council, stranger), 422, "unknown_key"),
        (wymott_key, "prison:WYI", forged(council, wymott_key, to="la:E08000014"), 422, "notice_invalid"),
        (wymott_key, "prison:WYI", forged(council, wymott_key, sender="prison:RSY"), 422, "untrusted_issuer"),
        (stranger, "prison:RSY", forged(council, stranger, sender="prison:RSY"), 401, "not_authenticated"),
    ]
    for key, caller, notice, status, code in cases:
        answer = post_notice(council, key, caller, notice)
        assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    assert stored_notices(council) == 0
    good = forged(council, wymott_key)
    assert post_notice(council, wymott_key, "prison:WYI", good).json() == {"changed": True}
    assert post_notice(council, wymott_key, "prison:WYI", good).json() == {"changed": False}
    assert stored_notices(council) == 1


def test_a_young_person_turning_18_around_release_is_flagged() -> None:
    """Care Act 2014 s.58: turning 18 in the year before release or six months after it flags the transition
    assessment; a birthday outside that window does not."""
    release = date(2027, 6, 1)
    assert transition_assessment_due(date(2009, 1, 10), release)  # 18 in January 2027, before release
    assert transition_assessment_due(date(2009, 11, 1), release)  # 18 five months after release
    assert not transition_assessment_due(date(2009, 12, 15), release)  # 18 more than six months after
    assert not transition_assessment_due(date(1990, 1, 1), release)  # long an adult
    assert transition_assessment_due(date(2008, 2, 29), date(2026, 3, 10))  # 18 on 1 March 2026


def test_a_prison_takes_no_release_notices(pair: tuple[LiveServer, LiveServer]) -> None:
    """Notices are for local authorities: one a trusted prison sends to another prison is refused, and stored
    nowhere."""
    wymott, risley = pair
    key = wymott.deployment.identity.keyring.active
    notice = forged(risley, key, to="prison:RSY")
    assertion = make_client_assertion(key=key, issuer="prison:WYI", audience="prison:RSY", now=int(time.time()))
    answer = risley.client(assertion).post("/v1/notices", json={"notice": notice})
    assert (answer.status_code, answer.json()["code"]) == (422, "notice_invalid"), answer.text
    assert stored_notices(risley) == 0


def test_the_council_pulls_the_newest_record_and_a_refused_pull_changes_nothing(
    live_server: LiveServer, council: LiveServer, reference: dict[str, Any]
) -> None:
    """The council's staff get the newest view from the prison: verified, kept, and the step "record pulled" goes
    back to the prison. Once the prison has handed the passport on, it serves no view: the pull is refused and what
    the council holds stays as it was."""
    staff = live_server.client(live_server.token("care_staff"))
    pid = staff.post("/v1/passports", json=released_in(reference, 50)).json()["pid"]
    send(live_server)
    [notice] = notices(council)
    council_staff = Principal("la-staff", "la:E08000012", "care_staff")
    with httpx.Client() as client:
        pulled = pull_record(
            council.deployment, principal=council_staff, notice_id=notice["id"], now=int(time.time()), client=client
        )
    assert (pulled.status, pulled.pulled_at is not None) == ("record_pulled", True)
    send(council)
    assert journey(live_server, pid)["status"] == "record_pulled"

    live_server.trust("prison:RSY", "HMP Risley")
    current = staff.get(f"/v1/passports/{pid}")
    moved = staff.post(
        f"/v1/passports/{pid}/handover", json={"to": "prison:RSY", "reason": "transfer", "date": TODAY.isoformat()}
    )
    assert moved.status_code == 201, (current.status_code, moved.text)
    with Session(council.deployment.engine) as session:
        before = session.get(ReceivedNoticeRow, notice["id"])
        assert before is not None
        kept = (before.latest_view, before.pulled_at, before.step, before.receipt_seq)
    with httpx.Client() as client, pytest.raises(ConfigurationError):
        pull_record(
            council.deployment, principal=council_staff, notice_id=notice["id"], now=int(time.time()), client=client
        )
    with Session(council.deployment.engine) as session:
        after = session.get(ReceivedNoticeRow, notice["id"])
        assert after is not None
        assert (after.latest_view, after.pulled_at, after.step, after.receipt_seq) == kept


def test_a_notice_kept_for_weeks_still_checks_out(
    live_server: LiveServer, council: LiveServer, reference: dict[str, Any]
) -> None:
    """A notice sent twelve weeks ahead is read again for weeks: its view is judged as fresh as when it arrived
    (views older than 30 days are refused when given, not when kept), so the notice still checks out."""
    staff = live_server.client(live_server.token("care_staff"))
    staff.post("/v1/passports", json=released_in(reference, 80))
    send(live_server)
    [notice] = notices(council)
    council_staff = Principal("la-staff", "la:E08000012", "care_staff")
    weeks_later = int(time.time()) + 45 * 24 * 3600
    with transaction(council.deployment.engine) as session:
        checked = check_notice(
            session,
            identity=council.deployment.identity,
            principal=council_staff,
            notice_id=notice["id"],
            now=weeks_later,
        )
    assert checked.refusal is None and checked.view is not None


def test_a_councils_staff_start_at_the_people_due_into_its_area(council: LiveServer) -> None:
    """Signing in without saying where to go, a council's staff land on /authority (a prison's on /staff)."""
    client = council.client()
    form = client.get("/staff/sign-in").text
    assert 'name="next" value="/authority"' in form
    csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    answer = client.post("/staff/sign-in", data={"token": council.token("care_staff"), "csrf": csrf})
    assert (answer.status_code, answer.headers["location"]) == (303, "/authority")
