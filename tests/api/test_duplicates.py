"""A second passport for a person already held here: refused by the API with 409 ``duplicate_person`` (naming the
kind of number and the passports held, never the number or the name) unless a reason is given, which the new
passport's audit trail keeps; compared as the schema normalises numbers, and only among this organisation's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import col, select

from passport.core.identity import IssuerInfo, init_identity
from passport.services import find_duplicates
from passport.services.storage import AuditRow, transaction
from schemas import parse_content
from tests.conftest import LiveServer, create_people, reference_passport


def _client(server: LiveServer) -> httpx.Client:
    return server.client(server.token("care_staff"))


def _person(identifiers: list[dict[str, str]], family: str = "Okafor") -> dict[str, Any]:
    content = reference_passport()
    content["subject"] |= {"identifiers": identifiers, "family_name": family, "given_names": ["Grace"]}
    return content


@pytest.mark.parametrize(
    ("identifiers", "said"),
    [
        ([{"system": "noms", "value": "A4821KD"}], "prison number"),
        ([{"system": "noms", "value": "B2345CD"}, {"system": "nhs", "value": "9434765919"}], "NHS number"),
    ],
)
def test_a_second_passport_for_the_same_person_is_refused(
    live_server: LiveServer, identifiers: list[dict[str, str]], said: str
) -> None:
    """409 duplicate_person, the kind of number in the detail, the passport held in ``existing``; nothing made."""
    with _client(live_server) as client:
        first = client.post("/v1/passports", json=reference_passport()).json()["pid"]
        refused = client.post("/v1/passports", json=_person(identifiers))
        assert refused.status_code == 409, refused.text
        problem = refused.json()
        assert problem["code"] == "duplicate_person"
        assert problem["type"] == "urn:care-passport:problem:duplicate_person"
        assert f"a passport with this {said} is already held here" in problem["detail"]
        assert problem["existing"] == [first]
        for value in ("A4821KD", "9434765919", "Whitfield", "Okafor", "Arthur"):
            assert value not in refused.text  # no number and no name in the refusal
    with transaction(live_server.deployment.engine) as session:
        creates = session.exec(select(AuditRow).where(col(AuditRow.action) == "create")).all()
    assert [(row.outcome, row.pid) for row in creates] == [("ok", first), ("duplicate_person", None)]


def test_a_deliberate_duplicate_is_made_with_its_reason_in_the_audit_trail(live_server: LiveServer) -> None:
    """With ``duplicate_reason`` the passport is made; its audit trail names the passport it duplicates and why;
    the reason is not in the signed content."""
    reason = "The old passport was made with the wrong date of birth; this one replaces it."
    with _client(live_server) as client:
        first = client.post("/v1/passports", json=reference_passport()).json()["pid"]
        made = client.post("/v1/passports", json={**reference_passport(), "duplicate_reason": reason})
        assert made.status_code == 201, made.text
        assert "duplicate_reason" not in made.json()["content"]
        trail = client.get(f"/v1/passports/{made.json()['pid']}/audit").json()
    created = next(e for e in trail["entries"] if e["action"] == "create")
    assert created["detail"] == {"duplicate_of": [first], "reason": reason}


def test_a_blank_or_overlong_reason_is_no_reason(live_server: LiveServer) -> None:
    """A reason of spaces is refused as a duplicate; one over 1000 characters is refused as a bad body."""
    with _client(live_server) as client:
        client.post("/v1/passports", json=reference_passport())
        blank = client.post("/v1/passports", json={**reference_passport(), "duplicate_reason": "   "})
        assert blank.status_code == 409 and blank.json()["code"] == "duplicate_person"
        long = client.post("/v1/passports", json={**reference_passport(), "duplicate_reason": "x" * 1001})
        assert long.status_code == 422


def test_duplicates_follow_the_newest_version_and_this_organisation(live_server: LiveServer, tmp_path: Path) -> None:
    """A number changed away in a later version no longer matches; another organisation's passports never do."""
    risley = init_identity(tmp_path / "risley", IssuerInfo("prison:RSY", "HMP Risley", "prison", "http://x"), now=0)
    create_people(live_server, [("Elsewhere", ["Ann"], "C1111AA")], identity=risley)
    with _client(live_server) as client:
        assert client.post("/v1/passports", json=_person([{"system": "noms", "value": "C1111AA"}])).status_code == 201
        first = client.post("/v1/passports", json=reference_passport())
        pid = first.json()["pid"]
        changed = reference_passport()
        changed["subject"]["identifiers"] = [{"system": "noms", "value": "D2222BB"}]
        put = client.put(f"/v1/passports/{pid}", json=changed, headers={"If-Match": first.headers["ETag"]})
        assert put.status_code == 200, put.text
        assert client.post("/v1/passports", json=reference_passport()).status_code == 201
        again = client.post("/v1/passports", json=_person([{"system": "noms", "value": "D2222BB"}]))
        assert again.status_code == 409 and again.json()["existing"] == [pid]


def test_the_domain_finds_duplicates_by_name_and_shared_numbers(live_server: LiveServer) -> None:
    """``find_duplicates`` gives each passport held with the numbers it shares, for the staff page."""
    with _client(live_server) as client:
        pid = client.post("/v1/passports", json=reference_passport()).json()["pid"]
    subject = parse_content(reference_passport()).subject
    with transaction(live_server.deployment.engine) as session:
        found = find_duplicates(session, org="prison:WYI", subject=subject)
        elsewhere = find_duplicates(session, org="prison:RSY", subject=subject)
    assert [(d.pid, d.name, d.noms, d.shared) for d in found] == [
        (pid, "Whitfield, Arthur James", "A4821KD", "prison number, NHS number and PNC number")
    ]
    assert elsewhere == []
