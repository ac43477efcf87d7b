"""The handover pages without a browser: only a trusted organisation can be chosen (a forged one is the form's
error, never a bare page or command-line text), nothing is handed over before "Hand over", and a colleague's save
in between brings the check page back (409) with what they changed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer, reference_passport, start_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """HMP Wymott on SQLite, trusting HMP Risley."""
    found = start_server(tmp_path / "wymott", f"sqlite:///{tmp_path / 'wymott.db'}")
    found.trust("prison:RSI", "HMP Risley")
    yield found
    found.stop()


def _passport(server: LiveServer) -> dict[str, Any]:
    with server.client(server.token("care_staff")) as api:
        created: dict[str, Any] = api.post("/v1/passports", json=reference_passport()).json()
        return created


def _current(server: LiveServer, pid: str) -> dict[str, Any]:
    with server.client(server.token("care_staff")) as api:
        found: dict[str, Any] = api.get(f"/v1/passports/{pid}").json()
        return found


def test_an_organisation_not_trusted_here_is_the_forms_error(server: LiveServer) -> None:
    """A posted id that is not a trusted peer, or a name typed as text: 422 on the field, what was chosen kept,
    and no command-line instruction; nothing handed over."""
    pid = _passport(server)["pid"]
    client = server.signed_in()
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/staff/passports/{pid}/handover").text)
    assert csrf is not None
    for to in ("prison:XYZ", "HMP Risley", ""):
        sent = {"csrf": csrf[1], "ver": "1", "to": to, "reason": "release", "date": "2027-01-15"}
        for step in ("handover", "handover/confirm"):
            page = client.post(f"/staff/passports/{pid}/{step}", data=sent)
            assert page.status_code == 422, (to, step)
            assert "Organisation taking over the passport: choose one of the organisations listed." in page.text
            assert re.search(r'value="release"\s+checked', page.text)  # the reason chosen is kept
            assert "passport trust" not in page.text
    assert _current(server, pid)["ver"] == 1


def test_the_check_page_hands_nothing_over_and_a_race_brings_it_back(server: LiveServer) -> None:
    """Continue shows the answers and changes nothing; a save by a colleague before "Hand over" brings the check
    page back (409) on the new version; pressing again hands over."""
    created = _passport(server)
    pid = created["pid"]
    client = server.signed_in()
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/staff/passports/{pid}/handover").text)
    assert csrf is not None
    sent = {"csrf": csrf[1], "ver": "1", "to": "prison:RSI", "reason": "transfer", "date": "2027-01-15"}
    check = client.post(f"/staff/passports/{pid}/handover", data=sent)
    assert check.status_code == 200 and "HMP Risley" in check.text and "15 January 2027" in check.text
    assert _current(server, pid)["ver"] == 1
    with server.client(server.token("care_staff")) as api:
        content = reference_passport()
        content["needs"][0]["how_met"] = "A carer each morning."
        assert api.put(f"/v1/passports/{pid}", json=content, headers={"If-Match": 'W/"1"'}).status_code == 200
    again = client.post(f"/staff/passports/{pid}/handover/confirm", data=sent)
    assert again.status_code == 409
    assert "Someone else changed this passport while you were editing" in again.text
    assert 'name="ver" value="2"' in again.text and "Hand over" in again.text
    done = client.post(f"/staff/passports/{pid}/handover/confirm", data={**sent, "ver": "2"})
    assert done.status_code == 303 and done.headers["location"] == f"/staff/passports/{pid}?saved=handover"
    after = _current(server, pid)
    assert after["ver"] == 3 and after["custody"]["next"] == "prison:RSI"
    assert after["content"]["needs"][0]["how_met"] == "A carer each morning."
