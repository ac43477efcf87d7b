"""The FHIR R4 export: an IPS-shaped document Bundle of exactly what a view discloses, carrying the view."""

from __future__ import annotations

import base64
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from passport.core.fhir import NHS_NUMBER_SYSTEM, PRISON_NUMBER_SYSTEM, SD_JWT_FORMAT, SECTIONS
from tests.conftest import LiveServer

DESTINATION = "la:E08000012"  # the reference passport's release destination
HEALTH = "health:RW4"


def _section_codes(bundle: dict[str, Any]) -> set[str]:
    composition = bundle["entry"][0]["resource"]
    return {s["code"]["coding"][0]["code"] for s in composition["section"]}


def test_the_reference_bundle_is_a_valid_r4_ips_document(staff: Any, pid: str, reference: dict[str, Any]) -> None:
    """It parses back with fhir.resources' R4B models: Composition first, the NHS and prison numbers, every section."""
    response = staff.get(f"/v1/passports/{pid}/fhir", params={"audience": "local_authority", "for": DESTINATION})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    parsed = Bundle.model_validate_json(response.text)
    assert parsed.type == "document" and parsed.entry is not None
    kinds = [e.resource.get_resource_type() for e in parsed.entry if e.resource is not None]
    assert kinds[:2] == ["Composition", "Patient"]
    assert {"Observation", "DeviceUseStatement", "Device", "CarePlan", "Flag", "Consent"} <= set(kinds)
    patient = response.json()["entry"][1]["resource"]
    numbers = {i["system"]: i["value"] for i in patient["identifier"]}
    nhs, noms = (
        next(i["value"] for i in reference["subject"]["identifiers"] if i["system"] == s) for s in ("nhs", "noms")
    )
    assert numbers == {NHS_NUMBER_SYSTEM: nhs, PRISON_NUMBER_SYSTEM: noms}
    assert patient["identifier"][0]["system"] == NHS_NUMBER_SYSTEM
    assert _section_codes(response.json()) == {code for code, _ in SECTIONS.values()}
    devices = [e["resource"] for e in response.json()["entry"] if e["resource"]["resourceType"] == "Device"]
    assert {d["deviceName"][0]["name"] for d in devices} == {e["item"] for e in reference["equipment"]}


def test_a_section_the_audience_may_not_see_is_absent(staff: Any, pid: str, reference: dict[str, Any]) -> None:
    """Health may not see "about me" or the release plan; reception may not see a withheld need."""
    health = staff.get(f"/v1/passports/{pid}/fhir", params={"audience": "health", "for": HEALTH})
    assert health.status_code == 200, health.text
    assert SECTIONS["about_me"][0] not in _section_codes(health.json())
    about = reference["about_me"]
    assert about["summary"] not in health.text
    if reference.get("release_plan", {}).get("accommodation"):
        assert reference["release_plan"]["accommodation"] not in health.text
    card = staff.get(f"/v1/passports/{pid}/fhir", params={"audience": "reception_card", "for": DESTINATION})
    assert card.status_code == 200, card.text
    withheld = next(n for n in reference["needs"] if n["id"] == "n5")
    assert withheld["summary"] not in card.text
    assert SECTIONS["plan_of_care"][0] not in _section_codes(card.json())


def test_the_signature_carries_a_view_of_the_same_passport_that_verifies(
    live_server: LiveServer, staff: Any, pid: str
) -> None:
    """Bundle.signature.data is the SD-JWT view: the recipient verifies it, for this passport and audience."""
    bundle = staff.get(f"/v1/passports/{pid}/fhir", params={"audience": "local_authority", "for": DESTINATION}).json()
    signature = bundle["signature"]
    assert signature["sigFormat"] == SD_JWT_FORMAT
    view = base64.b64decode(signature["data"]).decode()
    recipient = live_server.client(live_server.token("authority", org=DESTINATION, audience="local_authority"))
    verified = recipient.post("/v1/verify", json={"sd_jwt": view})
    assert verified.status_code == 200, verified.text
    result = verified.json()
    assert (result["kind"], result["pid"], result["issuer"]) == ("view", pid, "prison:WYI")
    assert "services" in result["disclosed"]["sections"] and "consent" not in result["disclosed"]["sections"]


def test_access_is_refused_and_audited_as_for_a_view(live_server: LiveServer, staff: Any, pid: str) -> None:
    """No token, another authority, the wrong audience for a client, a missing recipient: refused, never a Bundle."""
    assert live_server.client(None).get(f"/v1/passports/{pid}/fhir", params={"audience": "health"}).status_code == 401
    other = live_server.client(live_server.token("authority", org="la:E09000001", audience="local_authority"))
    refused = other.get(f"/v1/passports/{pid}/fhir", params={"audience": "local_authority"})
    assert refused.status_code == 404 and "Whitfield" not in refused.text
    destination = live_server.client(live_server.token("authority", org=DESTINATION, audience="local_authority"))
    assert destination.get(f"/v1/passports/{pid}/fhir", params={"audience": "health"}).status_code == 403
    assert staff.get(f"/v1/passports/{pid}/fhir", params={"audience": "health"}).status_code == 400
    audit = staff.get(f"/v1/passports/{pid}/audit").json()["entries"]
    assert any(e["action"] == "view" and e["outcome"] != "ok" for e in audit)
