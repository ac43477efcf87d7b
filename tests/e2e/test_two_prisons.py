"""A real transfer between two `passport serve` processes: HMP Wymott (SQLite) hands a passport to HMP Risley
(PostgreSQL), each with its own keys, trusting the other through `passport trust add`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from passport.core.qr import decode_image
from tests.conftest import free_port, reference_passport
from tests.e2e.servers import Organisation


@pytest.fixture
def prisons(tmp_path: Path, postgres_url: str) -> Iterator[tuple[Organisation, Organisation]]:
    """Wymott and Risley, initialised and serving, separate homes, databases and keys."""
    wymott = Organisation(
        "prison:WYI", tmp_path / "wymott", f"sqlite:///{tmp_path / 'wymott.db'}", f"http://127.0.0.1:{free_port()}"
    )
    risley = Organisation("prison:RSY", tmp_path / "risley", postgres_url, f"http://127.0.0.1:{free_port()}")
    for prison, name in ((wymott, "HMP Wymott"), (risley, "HMP Risley")):
        prison.cli("init", "--org-id", prison.org, "--name", name, "--kind", "prison", "--base-url", prison.url)
        prison.serve()
    yield wymott, risley
    for prison in (wymott, risley):
        prison.stop()


@pytest.mark.slow
def test_transfer_from_wymott_to_risley_and_offline_afterwards(
    prisons: tuple[Organisation, Organisation], tmp_path: Path
) -> None:
    """Create, print the card, amend twice, hand over, scan the card printed weeks before, import the whole record,
    amend at Risley, verify five versions at both ends; then with Wymott's server stopped, Risley still verifies
    the card and the history offline."""
    wymott, risley = prisons
    risley.trusts(wymott)
    wymott.trusts(risley)
    assert "prison:WYI" in risley.cli("trust", "list").stdout

    reference = reference_passport()
    card_png = tmp_path / "card.png"
    with wymott.client("care_staff") as staff:
        pid = staff.post("/v1/passports", json=reference).json()["pid"]
        # The card is printed when the passport is made, weeks before the move; the record moves on after it.
        assert "QR version" in wymott.cli("card", pid, "--png", str(card_png)).stdout
        for ver in (1, 2):
            amended = dict(reference, about_me=dict(reference["about_me"], likes=["crosswords", f"edition {ver}"]))
            assert (
                staff.put(f"/v1/passports/{pid}", json=amended, headers={"If-Match": f'W/"{ver}"'}).status_code == 200
            )
        handover = {"to": "prison:RSY", "reason": "transfer", "date": "2026-12-01"}
        assert staff.post(f"/v1/passports/{pid}/handover", json=handover).status_code == 201

    scanned = json.loads(risley.cli("scan", str(card_png)).stdout)
    assert (scanned["issuer"], scanned["pid"], scanned["ver"]) == ("prison:WYI", pid, 1)
    assert any(alert["text"] == "Self-propelled wheelchair" for alert in scanned["alerts"])

    scanner_text = decode_image(card_png.read_bytes())  # what a handheld scanner would type
    with risley.client("reception") as reception:
        imported = reception.post("/v1/imports", json={"card": scanner_text})
        assert imported.status_code == 200, imported.text
        assert (imported.json()["new_versions"], imported.json()["ver"], imported.json()["moved_on"]) == (4, 4, True)
        assert reception.post("/v1/imports", json={"card": scanner_text}).json()["new_versions"] == 0
    # The same import from the command line (one use case behind the API, the desk and the CLI): nothing new.
    again = risley.cli("import", scanner_text).stdout
    assert again == f"imported {pid}: version 4, 0 new here; the card showed version 1\n"
    with risley.client("care_staff") as staff:
        v5 = staff.put(f"/v1/passports/{pid}", json=reference, headers={"If-Match": 'W/"4"'})
        assert v5.status_code == 200, v5.text
        assert v5.json()["issuer"] == "prison:RSY"
        history = staff.get(f"/v1/passports/{pid}/versions").json()
    (tmp_path / "history.json").write_text(json.dumps(history))

    for prison in (risley, wymott):
        assert prison.verifies(tmp_path / "history.json") == (5, ["prison:WYI", "prison:RSY"])

    wymott.stop()
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{wymott.url}/healthz", timeout=2)
    assert json.loads(risley.cli("scan", str(card_png)).stdout)["ver"] == 1
    assert json.loads(risley.cli("verify", str(tmp_path / "history.json")).stdout)["versions"] == 5
    with risley.client("reception") as reception:
        card = reception.post("/v1/verify", json={"card": scanner_text})
        assert card.status_code == 200 and card.json()["issuer"] == "prison:WYI"
