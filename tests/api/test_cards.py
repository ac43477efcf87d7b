"""The card over HTTP: rendered as JWS, PNG and SVG, read back from a photo upload, verified from scanner text."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from sqlmodel import Session, col, select

from passport.core.qr import qr_text
from passport.services.storage import AuditRow
from tests.conftest import LiveServer


def test_the_card_renders_in_three_formats_and_reads_back(live_server: LiveServer, reference: dict[str, Any]) -> None:
    """Reception renders the card; the PNG read back by upload and the scanner text both verify offline."""
    staff = live_server.client(live_server.token("care_staff"))
    pid = staff.post("/v1/passports", json=reference).json()["pid"]
    reception = live_server.client(live_server.token("reception"))
    jws = reception.get(f"/v1/passports/{pid}/card", params={"format": "jws"})
    assert jws.status_code == 200 and jws.headers["content-type"].startswith("text/plain")
    assert len(jws.text) <= 670
    png = reception.get(f"/v1/passports/{pid}/card", params={"format": "png"})
    assert png.headers["content-type"] == "image/png" and Image.open(io.BytesIO(png.content)).size[0] > 100
    svg = reception.get(f"/v1/passports/{pid}/card", params={"format": "svg"})
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<svg" in svg.text

    scanned = reception.post("/v1/scan", files={"image": ("card.png", png.content, "image/png")})
    assert scanned.status_code == 200, scanned.text
    card = scanned.json()
    assert (card["kind"], card["issuer"], card["pid"], card["ver"]) == ("card", "prison:WYI", pid, 1)
    assert card["name"] == "Arthur Whitfield" and card["noms"] == "A4821KD"
    assert {"code": "er", "text": "Easy read"} in card["alerts"]
    typed = reception.post("/v1/verify", json={"card": qr_text(jws.text)})
    assert typed.status_code == 200 and typed.json()["digest"] == card["digest"]

    with Session(live_server.deployment.engine) as session:
        actions = [
            r.action for r in session.exec(select(AuditRow).where(AuditRow.pid == pid).order_by(col(AuditRow.seq)))
        ]
    assert actions == ["create", "card_render", "card_render", "card_render", "scan", "verify_card"]


def test_an_upload_that_is_not_a_card_is_refused(live_server: LiveServer) -> None:
    """Garbage, and a picture with no code: 422 malformed_token, in plain words."""
    reception = live_server.client(live_server.token("reception"))
    blank = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(blank, format="PNG")
    for content in (b"not an image at all", blank.getvalue()):
        response = reception.post("/v1/scan", files={"image": ("photo.png", content, "image/png")})
        assert response.status_code == 422
        assert response.json()["code"] == "malformed_token"


def test_roles_that_may_not_read_cannot_render_one(live_server: LiveServer, reference: dict[str, Any]) -> None:
    """An auditor may not render a card (403); another organisation's staff get 404."""
    pid = live_server.client(live_server.token("care_staff")).post("/v1/passports", json=reference).json()["pid"]
    auditor = live_server.client(live_server.token("auditor"))
    assert auditor.get(f"/v1/passports/{pid}/card").status_code == 403
    other = live_server.client(live_server.token("care_staff", org="prison:RSY"))
    assert other.get(f"/v1/passports/{pid}/card").status_code == 404
