"""Consent-scoped views: exactly what consent permits, bound to one recipient, withdrawable, audited."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session, col, select

from crypto import SdJwt, b64url_decode
from passport.services.storage import AuditRow
from tests.conftest import LiveServer

DESTINATION = "la:E08000012"  # the reference passport's release destination
HEALTH = "health:RW4"  # assessed the reference passport's memory


def _disclosed(view_sd_jwt: str) -> dict[str, Any]:
    """Each disclosure of a presentation, decoded: section name -> value, and item ids."""
    parsed = SdJwt.parse(view_sd_jwt)
    sections = {d.name: d.value for d in parsed.disclosures if d.name is not None}
    items = [d.value.get("id") for d in parsed.disclosures if d.name is None and isinstance(d.value, dict)]
    return {"sections": sections, "items": items, "raw": [b64url_decode(d.encoded) for d in parsed.disclosures]}


def _audit_rows(server: LiveServer, pid: str) -> list[AuditRow]:
    with Session(server.deployment.engine) as session:
        return list(session.exec(select(AuditRow).where(AuditRow.pid == pid).order_by(col(AuditRow.seq))))


@pytest.mark.parametrize("audience", ["prison", "local_authority", "health", "probation", "reception_card"])
def test_each_audience_sees_exactly_what_consent_permits(
    live_server: LiveServer, staff: Any, pid: str, reference: dict[str, Any], audience: str
) -> None:
    """subject plus the permitted sections; a withheld item's values appear nowhere, not even encoded."""
    consent = reference["consent"]["audiences"][audience]
    before = len(_audit_rows(live_server, pid))
    response = staff.get(f"/v1/passports/{pid}/views/{audience}", params={"for": DESTINATION})
    assert response.status_code == 200, response.text
    body = response.json()
    disclosed = _disclosed(body["sd_jwt"])
    assert set(disclosed["sections"]) == {"subject", *consent["permit"]}
    assert set(body["disclosed"]["sections"]) == {"subject", *consent["permit"]}
    for name in consent["permit"]:
        value = reference[name]
        if isinstance(value, list):
            kept = [i for i in value if i.get("id") not in consent.get("withhold_items", [])]
            assert {i["id"] for i in kept if "id" in i} <= set(disclosed["items"])
    for withheld in consent.get("withhold_items", []):
        item = next(i for s in reference.values() if isinstance(s, list) for i in s if i.get("id") == withheld)
        assert withheld not in disclosed["items"]
        for text in (item["summary"], item["how_met"]):
            assert text not in response.text
            assert all(text.encode() not in raw for raw in disclosed["raw"])
    assert "consent" not in disclosed["sections"]
    rows = _audit_rows(live_server, pid)
    assert len(rows) == before + 1 and rows[-1].action == "view"


def test_a_view_verifies_for_its_recipient_and_only_for_it(live_server: LiveServer, staff: Any, pid: str) -> None:
    """The recipient verifies it with public keys alone; presented to anyone else, its key binding fails."""
    view = staff.get(f"/v1/passports/{pid}/views/local_authority", params={"for": DESTINATION}).json()
    recipient = live_server.client(live_server.token("authority", org=DESTINATION, audience="local_authority"))
    verified = recipient.post("/v1/verify", json={"sd_jwt": view["sd_jwt"]})
    assert verified.status_code == 200, verified.text
    result = verified.json()
    assert (result["kind"], result["issuer"], result["audience"]) == ("view", "prison:WYI", DESTINATION)
    assert "services" in result["disclosed"]["sections"] and "consent" not in result["disclosed"]["sections"]
    other = live_server.client(live_server.token("authority", org="la:E07000127", audience="local_authority"))
    replayed = other.post("/v1/verify", json={"sd_jwt": view["sd_jwt"]})
    assert replayed.status_code == 422 and replayed.json()["code"] == "key_binding_invalid"


def test_adding_or_removing_a_disclosure_after_key_binding_fails(live_server: LiveServer, staff: Any, pid: str) -> None:
    """sd_hash covers the disclosures: any change after the Key Binding JWT was made is caught."""
    full = staff.get(f"/v1/passports/{pid}").json()["sd_jwt"]
    view = staff.get(f"/v1/passports/{pid}/views/health", params={"for": HEALTH}).json()["sd_jwt"]
    parts = view.split("~")
    extra = next(p for p in full.split("~")[1:-1] if p not in parts)
    added = "~".join([*parts[:-1], extra, parts[-1]])
    removed = "~".join([parts[0], *parts[2:]])
    client = live_server.client(live_server.token("authority", org=HEALTH, audience="health"))
    for forged in (added, removed):
        response = client.post("/v1/verify", json={"sd_jwt": forged})
        assert response.status_code == 422
        assert response.json()["code"] == "key_binding_invalid"


def test_withdrawing_consent_removes_a_section_from_later_views(
    live_server: LiveServer, staff: Any, pid: str, reference: dict[str, Any]
) -> None:
    """After a consent change, views lack the section; a view served before still verifies (it was true)."""
    authority = live_server.client(live_server.token("authority", org=DESTINATION, audience="local_authority"))
    earlier = authority.get(f"/v1/passports/{pid}/views/local_authority").json()
    assert "services" in earlier["disclosed"]["sections"]
    changed = copy.deepcopy(reference)
    changed["consent"]["withdrawals"] = [
        {
            "audience": "local_authority",
            "section": "services",
            "withdrawn_at": "2025-09-01",
            "recorded_by": {"org": "prison:WYI", "role": "care_staff"},
        }
    ]
    amended = staff.put(f"/v1/passports/{pid}", json=changed, headers={"If-Match": 'W/"1"'})
    assert amended.status_code == 200, amended.text
    later = authority.get(f"/v1/passports/{pid}/views/local_authority").json()
    assert "services" not in later["disclosed"]["sections"]
    assert "services" not in _disclosed(later["sd_jwt"])["sections"]
    assert later["ver"] == 2
    assert authority.post("/v1/verify", json={"sd_jwt": earlier["sd_jwt"]}).status_code == 200
    assert _audit_rows(live_server, pid)[-3].action == "consent_change"


def test_an_authority_sees_only_its_own_audience_of_passports_that_name_it(live_server: LiveServer, pid: str) -> None:
    """The destination authority gets its view; another audience is 403; an unnamed authority gets 404."""
    destination = live_server.client(live_server.token("authority", org=DESTINATION, audience="local_authority"))
    assert destination.get(f"/v1/passports/{pid}/views/local_authority").status_code == 200
    assert destination.get(f"/v1/passports/{pid}/views/health").json()["code"] == "access_denied"
    assert destination.get(f"/v1/passports/{pid}", params={}).status_code == 404
    stranger = live_server.client(live_server.token("authority", org="la:E09000001", audience="local_authority"))
    response = stranger.get(f"/v1/passports/{pid}/views/local_authority")
    assert response.status_code == 404 and "Whitfield" not in response.text
    rows = _audit_rows(live_server, pid)
    assert [(r.org, r.action, r.outcome) for r in rows[-3:]] == [
        (DESTINATION, "view", "access_denied"),
        (DESTINATION, "read", "not_found"),
        ("la:E09000001", "view", "not_found"),
    ]


def test_a_safety_override_discloses_an_item_with_its_lawful_basis(
    live_server: LiveServer, staff: Any, pid: str
) -> None:
    """n5 (withheld from the reception card) is shown to one recipient once staff name a basis and a reason."""
    before = staff.get(f"/v1/passports/{pid}/views/reception_card", params={"for": "prison:RSY"}).json()
    assert "n5" not in before["disclosed"]["items"]
    refused = staff.post(
        f"/v1/passports/{pid}/overrides",
        json={"recipient": "prison:RSY", "audience": "reception_card", "targets": ["n5"], "lawful_basis": "hunch"},
    )
    assert refused.status_code == 422
    unknown = staff.post(
        f"/v1/passports/{pid}/overrides",
        json={
            "recipient": "prison:RSY",
            "audience": "reception_card",
            "targets": ["n99"],
            "lawful_basis": "vital_interests",
            "reason": "x",
        },
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "invalid_request"
    made = staff.post(
        f"/v1/passports/{pid}/overrides",
        json={
            "recipient": "prison:RSY",
            "audience": "reception_card",
            "targets": ["n5"],
            "lawful_basis": "vital_interests",
            "reason": "Reception must know about his dementia to keep him safe on arrival.",
        },
    )
    assert made.status_code == 201, made.text
    after = staff.get(f"/v1/passports/{pid}/views/reception_card", params={"for": "prison:RSY"}).json()
    assert "n5" in after["disclosed"]["items"] and after["overridden"] == ["n5"]
    other = staff.get(f"/v1/passports/{pid}/views/reception_card", params={"for": "prison:LEI"}).json()
    assert "n5" not in other["disclosed"]["items"]
    trail = staff.get(f"/v1/passports/{pid}/audit").json()["entries"]
    assert [e["outcome"] for e in trail if e["action"] == "override"] == [
        "invalid_content",
        "invalid_request",
        "ok",
    ]
    override = next(e for e in trail if e["action"] == "override" and e["outcome"] == "ok")
    assert override["detail"]["lawful_basis"] == "vital_interests" and override["detail"]["targets"] == ["n5"]
    served = [e for e in trail if e["action"] == "view"]
    assert served[1]["detail"]["overridden"] == ["n5"]


def test_the_audit_trail_is_for_staff_and_auditors(live_server: LiveServer, pid: str) -> None:
    """Care staff and auditors read it; reception and authorities cannot; each reading is audited."""
    for role in ("care_staff", "auditor", "admin"):
        response = live_server.client(live_server.token(role)).get(f"/v1/passports/{pid}/audit")
        assert response.status_code == 200
        entries = response.json()["entries"]
        assert entries[0]["action"] == "create" and entries[0]["org"] == "prison:WYI"
    assert live_server.client(live_server.token("reception")).get(f"/v1/passports/{pid}/audit").status_code == 403
    authority = live_server.client(live_server.token("authority", org=DESTINATION, audience="local_authority"))
    assert authority.get(f"/v1/passports/{pid}/audit").status_code == 404
    actions = [r.action for r in _audit_rows(live_server, pid)]
    assert actions.count("read_audit") == 5


def test_the_cli_verifies_a_view_offline_for_its_audience(
    live_server: LiveServer, staff: Any, pid: str, tmp_path: Path
) -> None:
    """`passport verify` with the issuer's JWKS: it reports issuer, audience, sections and items; another
    audience fails in one line."""
    view = staff.get(f"/v1/passports/{pid}/views/health", params={"for": HEALTH}).json()["sd_jwt"]
    (tmp_path / "view.sdjwt").write_text(view)
    (tmp_path / "jwks.json").write_text(json.dumps(httpx.get(f"{live_server.url}/.well-known/jwks.json").json()))

    def run(audience: str) -> subprocess.CompletedProcess[str]:
        args = ["verify", str(tmp_path / "view.sdjwt"), "--jwks", str(tmp_path / "jwks.json")]
        args += ["--issuer", "prison:WYI", "--audience", audience, "--home", str(tmp_path / "none")]
        return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, check=False)

    verified = run(HEALTH)
    assert verified.returncode == 0, verified.stderr
    result = json.loads(verified.stdout)
    assert (result["kind"], result["issuer"], result["audience"]) == ("view", "prison:WYI", HEALTH)
    assert result["disclosed"]["sections"] == [
        "assessments",
        "communication",
        "equipment",
        "needs",
        "services",
        "subject",
    ]
    assert "n5" in result["disclosed"]["items"]
    refused = run(DESTINATION)
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: key_binding_invalid:") and refused.stderr.count("\n") == 1
