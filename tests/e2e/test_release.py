"""A real release between two `passport serve` processes: HMP Wymott (SQLite) releases people to Liverpool City
Council (PostgreSQL, a `local_authority` deployment), trusting each other through `passport trust add`. Each server
sends what is due on its own schedule (PASSPORT_DELIVERY_SECONDS=1): nothing here calls the delivery job."""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import psycopg
import pytest

from passport.core import load_identity
from passport.services import make_client_assertion
from tests.conftest import POSTGRES_ADMIN_URL, another_person, free_port
from tests.e2e.servers import Organisation

pytestmark = pytest.mark.slow

TODAY = datetime.now(UTC).date()
T = TypeVar("T")


@pytest.fixture
def release_pair(tmp_path: Path, postgres_url: str) -> Iterator[tuple[Organisation, Organisation]]:
    """Wymott and Liverpool, initialised, serving and trusting each other, each delivering every second."""
    every_second = {"PASSPORT_DELIVERY_SECONDS": "1"}
    wymott = Organisation(
        "prison:WYI",
        tmp_path / "wymott",
        f"sqlite:///{tmp_path / 'wymott.db'}",
        f"http://127.0.0.1:{free_port()}",
        every_second,
    )
    liverpool = Organisation(
        "la:E08000012", tmp_path / "liverpool", postgres_url, f"http://127.0.0.1:{free_port()}", every_second
    )
    for org, name, kind in ((wymott, "HMP Wymott", "prison"), (liverpool, "Liverpool City Council", "local_authority")):
        org.cli("init", "--org-id", org.org, "--name", name, "--kind", kind, "--base-url", org.url)
        org.serve()
    try:
        wymott.trusts(liverpool)
        liverpool.trusts(wymott)
        yield wymott, liverpool
    finally:
        for org in (wymott, liverpool):
            org.stop()


def until(check: Callable[[], T | None], what: str, seconds: float = 30) -> T:
    """Wait for the servers' own schedules: ``check``'s first answer that is not None (or false)."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"waited {seconds:g} s for {what}"
        time.sleep(0.25)


def released_in(content: dict[str, Any], days: int) -> dict[str, Any]:
    """``content`` released on licence ``days`` from today to Liverpool."""
    plan = content["release_plan"] | {
        "expected_date": (TODAY + timedelta(days=days)).isoformat(),
        "destination_authority": "la:E08000012",
        "release_type": "licence",
        "contact": "Healthcare team, HMP Wymott, 01234 567890",
    }
    return content | {"release_plan": plan}


def notice_for(council: httpx.Client, pid: str, **wanted: Any) -> dict[str, Any] | None:
    """The council's notice for passport ``pid``, once it says what ``wanted`` says."""
    answer = council.get("/v1/notices")
    assert answer.status_code == 200, answer.text
    for notice in answer.json()["notices"]:
        if notice["pid"] == pid and all(notice[k] == v for k, v in wanted.items()):
            found: dict[str, Any] = notice
            return found
    return None


def journey(prison: httpx.Client, pid: str) -> dict[str, Any]:
    """The prison's one release of passport ``pid``."""
    answer = prison.get(f"/v1/passports/{pid}/release")
    assert answer.status_code == 200, answer.text
    [release] = answer.json()["releases"]
    found: dict[str, Any] = release
    return found


def database_text(postgres_url: str) -> str:
    """Everything the council's PostgreSQL schema holds, as text: every row of every table, and every base64url
    run in it decoded too (a notice, a view and a version are signed tokens whose claims are base64url)."""
    schema = parse_qs(urlsplit(postgres_url).query)["options"][0].split("=", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_URL) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
            )
        ]
        rows = [
            str(row[0])
            for table in tables
            for row in conn.execute(f'SELECT t::text FROM "{schema}"."{table}" t')  # noqa: S608 (names from the catalogue)
        ]
    return _decoded("\n".join(rows), depth=3)


def _decoded(text: str, *, depth: int) -> str:
    """``text`` and, ``depth`` levels deep, what each base64url run in it says (a view inside a notice is a token
    inside a token)."""
    found = [text]
    for run in re.findall(r"[A-Za-z0-9_-]{16,}", text) if depth else []:
        try:
            inner = base64.urlsafe_b64decode(run + "=" * (-len(run) % 4)).decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        found.append(_decoded(inner, depth=depth - 1))
    return "\n".join(found)


def test_release_from_a_prison_to_a_local_authority(
    release_pair: tuple[Organisation, Organisation], reference: dict[str, Any], postgres_url: str, tmp_path: Path
) -> None:
    """Notice sixty days ahead; acknowledged and the view pulled, both seen at the prison; the date moves and the
    council sees it; a second person's notice is declined and is on the prison's late list; a third person, whose
    consent shows local authorities nothing, is notified with no care data; on the day the prison hands over, the
    council imports the whole record from the notice and continues the chain; the history verifies at both ends."""
    wymott, liverpool = release_pair
    prison, council = wymott.client("care_staff"), liverpool.client("care_staff")

    # Sixty days ahead: the notice arrives by the prison's own schedule, with the consent-scoped view.
    created = prison.post("/v1/passports", json=released_in(reference, 60))
    assert created.status_code == 201, created.text
    pid = created.json()["pid"]
    notice = until(lambda: notice_for(council, pid), "the notice to arrive")
    assert (notice["sender"], notice["status"], notice["has_view"]) == ("prison:WYI", "received", True)
    assert (notice["expected_date"], notice["days_notice"]) == ((TODAY + timedelta(days=60)).isoformat(), 60)
    assert (notice["release_type"], notice["contact"]) == ("licence", "Healthcare team, HMP Wymott, 01234 567890")

    # The council acknowledges and pulls the view with its own key, and verifies it.
    acknowledged = council.post(f"/v1/notices/{notice['id']}/acknowledge")
    assert acknowledged.status_code == 200 and acknowledged.json()["status"] == "acknowledged", acknowledged.text
    council_key = load_identity(liverpool.home).keyring.active
    assertion = make_client_assertion(
        key=council_key, issuer="la:E08000012", audience="prison:WYI", now=int(time.time())
    )
    with httpx.Client(base_url=wymott.url, headers={"Authorization": f"Bearer {assertion}"}) as pulling:
        view = pulling.get(f"/v1/passports/{pid}/views/local_authority")
    assert view.status_code == 200, view.text
    checked = council.post("/v1/verify", json={"sd_jwt": view.json()["sd_jwt"]})
    assert checked.status_code == 200 and checked.json()["issuer"] == "prison:WYI", checked.text

    # The prison sees both: the acknowledgement came back as a signed receipt, the pull from its audit trail.
    seen = until(lambda: (j := journey(prison, pid))["acknowledged_on"] and j, "the acknowledgement at the prison")
    assert (seen["acknowledged_on"], seen["status"], seen["days_of_notice"]) == (TODAY.isoformat(), "acknowledged", 60)
    assert seen["notified_at"] is not None and seen["pulled_at"] is not None and seen["late"] == []

    # The date moves: the council sees the new date, as a new revision; its acknowledgement stands.
    moved = released_in(reference, 45)
    changed = prison.put(f"/v1/passports/{pid}", json=moved, headers={"If-Match": 'W/"1"'})
    assert changed.status_code == 200, changed.text
    new_date = (TODAY + timedelta(days=45)).isoformat()
    renewed = until(lambda: notice_for(council, pid, expected_date=new_date), "the new date at the council")
    assert (renewed["seq"], renewed["status"]) == (2, "acknowledged")

    # A second person, twenty days away: declined "not our area", with the authority that is.
    second = prison.post("/v1/passports", json=released_in(another_person(reference, 2), 20))
    assert second.status_code == 201, second.text
    pid2 = second.json()["pid"]
    notice2 = until(lambda: notice_for(council, pid2), "the second notice")
    decline = {"reason": "He will live with his sister in Sefton", "suggested": "la:E08000014"}
    assert council.post(f"/v1/notices/{notice2['id']}/decline", json=decline).status_code == 200
    declined = until(lambda: (j := journey(prison, pid2))["declined_reason"] and j, "the decline at the prison")
    assert (declined["declined_reason"], declined["declined_suggested"]) == (decline["reason"], "la:E08000014")
    assert declined["late"] == ["declined", "record_not_pulled"]
    late = wymott.cli("releases", "--late", check=False)
    assert late.returncode == 1, late.stderr
    [line] = late.stdout.splitlines()
    expected20 = (TODAY + timedelta(days=20)).isoformat()
    assert line.split("\t") == [
        f"{expected20} (in 20 days)",
        "Liverpool City Council",
        "The council said it is not their area: the release plan needs the right council (suggests Sefton Council); "
        "The council has not looked at the care record",
        pid2,
    ]
    for personal in ("Whitfield", "Arthur", "A0002ZZ", "sister"):
        assert personal not in late.stdout + late.stderr
    assert [r["pid"] for r in prison.get("/v1/releases/late").json()["releases"]] == [pid2]

    # A third person whose consent shows local authorities nothing: the notice says only that someone is due.
    private = another_person(reference, 3)
    private["subject"] = private["subject"] | {"family_name": "Quennell-Ashby", "given_names": ["Tobias"]}
    private["needs"] = [
        need | {"summary": "Uses a ceiling hoist to move from bed to chair."} if index == 0 else need
        for index, need in enumerate(private["needs"])
    ]
    private["consent"] = private["consent"] | {
        "audiences": private["consent"]["audiences"] | {"local_authority": {"permit": []}}
    }
    third = prison.post("/v1/passports", json=released_in(private, 30))
    assert third.status_code == 201, third.text
    notice3 = until(lambda: notice_for(council, third.json()["pid"]), "the third notice")
    assert notice3["has_view"] is False
    held = database_text(postgres_url)
    assert reference["needs"][0]["summary"] in held  # the search finds care data where consent let it travel
    for secret in ("Quennell-Ashby", "Tobias", "A0003ZZ", "ceiling hoist"):
        assert secret not in held

    # Release day: the prison hands custody to the council; the council imports the whole record from the notice.
    handover = {"to": "la:E08000012", "reason": "release", "date": TODAY.isoformat()}
    handed = prison.post(f"/v1/passports/{pid}/handover", json=handover)
    assert handed.status_code == 201, handed.text
    assert journey(prison, pid)["released"] is True
    with liverpool.client("reception") as reception:
        imported = reception.post("/v1/imports", json={"notice": notice["id"]})
        assert imported.status_code == 200, imported.text
        assert (imported.json()["pid"], imported.json()["ver"], imported.json()["new_versions"]) == (pid, 3, 3)
    again = liverpool.cli("import", "--notice", notice["id"]).stdout
    assert again == f"imported {pid}: version 3, 0 new here\n"

    # The council is the custodian now: its next version continues the same chain, signed by its own key.
    v4 = council.put(f"/v1/passports/{pid}", json=moved, headers={"If-Match": 'W/"3"'})
    assert v4.status_code == 200, v4.text
    assert (v4.json()["ver"], v4.json()["issuer"]) == (4, "la:E08000012")
    assert prison.put(f"/v1/passports/{pid}", json=moved, headers={"If-Match": 'W/"3"'}).status_code == 409
    history = council.get(f"/v1/passports/{pid}/versions").json()
    (tmp_path / "history.json").write_text(json.dumps(history))
    for org in (wymott, liverpool):
        assert org.verifies(tmp_path / "history.json") == (4, ["prison:WYI", "la:E08000012"])

    # Nothing is left to send: `passport releases send-due` (for a cron job) says so in one line.
    sent = wymott.cli("releases", "send-due")
    assert sent.stdout == "release notices and receipts: 0 sent, 0 failed\n"
    prison.close()
    council.close()
