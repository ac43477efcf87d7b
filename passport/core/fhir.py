"""The FHIR R4 export: a consent-scoped view as a document Bundle shaped like the International Patient Summary.

Pure: it takes what a view disclosed and the view itself, and returns the Bundle as JSON-ready data, checked
against ``fhir.resources``' R4B models (R4B shares R4's resources used here). Only the view's disclosures go in,
so a section the audience may not see is absent from the Bundle as it is from the view.
"""

from __future__ import annotations

import base64
import html
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from fhir.resources.R4B.bundle import Bundle

from passport.core.card import COMMUNICATION_ALERTS, NEED_ALERTS

# UK Core's identifier system for the NHS number. The prison (NOMS) number and this project's organisation ids have
# no published system, so they are named by URNs of this project's own (RFC 8141), which claim no one's domain.
NHS_NUMBER_SYSTEM: Final = "https://fhir.nhs.uk/Id/nhs-number"
PRISON_NUMBER_SYSTEM: Final = "urn:care-passport:id:prison-number"
ORGANISATION_SYSTEM: Final = "urn:care-passport:id:organisation"
SD_JWT_FORMAT: Final = "application/dc+sd-jwt"  # RFC 9901 s.11.2: an SD-JWT-based verifiable credential
LOINC: Final = "http://loinc.org"
# IPS section codes (LOINC); "about me" is LOINC's goals, preferences and priorities for the care experience.
SECTIONS: Final[dict[str, tuple[str, str]]] = {
    "functional_status": ("47420-5", "Functional status and needs"),
    "devices": ("46264-8", "Medical devices and equipment"),
    "plan_of_care": ("18776-5", "Plan of care and services"),
    "alerts": ("104605-1", "Alerts"),
    "about_me": ("81338-6", "About me"),
    "consent": ("59284-0", "Consent"),
}
_NAMESPACE: Final = uuid.UUID("6f1e3c52-8d0a-4c59-9b6e-2a7f4e1d9c30")


def fhir_bundle(
    *, claims: Mapping[str, Any], view: str, pid: str, ver: int, issuer: str, audience: str, recipient: str, now: int
) -> dict[str, Any]:
    """The document Bundle for one view: ``claims`` are what it disclosed, ``view`` its SD-JWT serialisation."""

    def ref(key: str) -> str:
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{pid}/{ver}/{audience}/{key}')}"

    when = datetime.fromtimestamp(now, UTC).isoformat().replace("+00:00", "Z")
    patient = {"reference": ref("patient")}
    author = {"identifier": {"system": ORGANISATION_SYSTEM, "value": issuer}}
    sections: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []

    def add(resource: dict[str, Any], key: str) -> str:
        url = ref(resource.pop("_key", key))
        resource.pop("_text", None)
        entries.append({"fullUrl": url, "resource": resource})
        return url

    add(_patient(claims["subject"]), "patient")
    for name, made in (
        ("functional_status", [_need(n, patient) for n in claims.get("needs", [])]),
        ("devices", [r for e in claims.get("equipment", []) for r in _device(e, patient, ref)]),
        ("plan_of_care", _care_plan(claims, patient)),
        ("alerts", _flags(claims, patient)),
    ):
        if made:
            lines = [r["_text"] for r in made if "_text" in r]
            urls = [add(resource, f"{name}/{i}") for i, resource in enumerate(made)]
            sections.append(_section(name, lines, urls))
    if isinstance(claims.get("about_me"), dict):
        sections.append(_section("about_me", _about_me_lines(claims["about_me"]), []))
    consent = _consent(claims, patient, recipient=recipient, audience=audience, when=when)
    line = consent["_text"]
    sections.append(_section("consent", [line], [add(consent, "consent")]))
    composition = {
        "resourceType": "Composition",
        "status": "final",
        "type": {"coding": [{"system": LOINC, "code": "60591-5", "display": "Patient summary Document"}]},
        "subject": patient,
        "date": when,
        "author": [author],
        "title": "Care passport",
        "confidentiality": "R",
        "section": sections,
    }
    entries.insert(0, {"fullUrl": ref("composition"), "resource": composition})
    bundle = {
        "resourceType": "Bundle",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": ref("bundle")},
        "type": "document",
        "timestamp": when,
        "entry": entries,
        # Bundle.signature, not a Provenance: a document Bundle's own slot for the signature over it, so the view
        # travels inside the one object a receiver stores, and verifies with the issuer's keys as any view does.
        "signature": {
            "type": [{"system": "urn:iso-astm:E1762-95:2013", "code": "1.2.840.10065.1.12.1.1"}],
            "when": when,
            "who": author,
            "sigFormat": SD_JWT_FORMAT,
            "data": base64.b64encode(view.encode()).decode(),
        },
    }
    Bundle.model_validate(bundle)  # the R4B models check every resource, element and type
    return bundle


def _patient(subject: Mapping[str, Any]) -> dict[str, Any]:
    systems = {"nhs": NHS_NUMBER_SYSTEM, "noms": PRISON_NUMBER_SYSTEM}
    identifiers = sorted(
        (
            {"system": systems[i["system"]], "value": i["value"]}
            for i in subject["identifiers"]
            if i["system"] in systems
        ),
        key=lambda i: i["system"] != NHS_NUMBER_SYSTEM,  # the NHS number first, as UK Core expects
    )
    name: dict[str, Any] = {"use": "official", "family": subject["family_name"]}
    if subject.get("given_names"):
        name["given"] = list(subject["given_names"])
    names = [name] + ([{"use": "usual", "given": [subject["preferred_name"]]}] if subject.get("preferred_name") else [])
    return {
        "resourceType": "Patient",
        "_key": "patient",
        "identifier": identifiers,
        "name": names,
        "birthDate": subject["date_of_birth"],
        "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": subject["language"]}]}}],
    }


def _need(need: Mapping[str, Any], patient: dict[str, Any]) -> dict[str, Any]:
    domain = str(need["domain"]).replace("_", " ")
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [_coded("http://terminology.hl7.org/CodeSystem/observation-category", "survey")],
        "code": {"text": domain},
        "subject": patient,
        "effectiveDateTime": need["recorded_at"],
        "valueString": need["summary"],
        **({"note": [{"text": need["how_met"]}]} if need.get("how_met") else {}),
        "_text": f"{domain} ({need['status']}): {need['summary']}",
    }


def _device(item: Mapping[str, Any], patient: dict[str, Any], ref: Any) -> list[dict[str, Any]]:
    device = {
        "resourceType": "Device",
        "_key": f"device/{item['id']}",
        "deviceName": [{"name": item["item"], "type": "user-friendly-name"}],
        "type": {"text": item["category"]},
        "note": [{"text": f"Condition: {item['condition']}. Owner: {item['owner']}."}],
    }
    use = {
        "resourceType": "DeviceUseStatement",
        "_key": f"use/{item['id']}",
        "status": "active",
        "subject": patient,
        "device": {"reference": ref(f"device/{item['id']}")},
        "recordedOn": item["recorded_at"],
        "_text": f"{item['item']} ({item['condition']})",
    }
    return [use, device]


def _care_plan(claims: Mapping[str, Any], patient: dict[str, Any]) -> list[dict[str, Any]]:
    services = claims.get("services", [])
    plan = claims.get("release_plan")
    if not services and not isinstance(plan, dict):
        return []
    activities = [
        {
            "detail": {
                "status": "completed" if s.get("end") else "in-progress",
                "description": f"{s['service']} by {s['provider']}",
                "scheduledString": s.get("frequency") or f"from {s['start']}",
            }
        }
        for s in services
    ]
    release = (
        f"Release expected {plan['expected_date']}" if isinstance(plan, dict) and plan.get("expected_date") else None
    )
    resource = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "title": "Care and support plan",
        "description": release,
        "subject": patient,
        "activity": activities or None,
        "_text": "; ".join([a["detail"]["description"] for a in activities] + ([release] if release else [])),
    }
    return [{k: v for k, v in resource.items() if v is not None}]


def _flags(claims: Mapping[str, Any], patient: dict[str, Any]) -> list[dict[str, Any]]:
    alerts = [NEED_ALERTS[n["domain"]] for n in claims.get("needs", []) if n["status"] == "active"]
    communication = claims.get("communication")
    if isinstance(communication, dict):
        alerts += [text for flag, text in COMMUNICATION_ALERTS.items() if communication.get(flag)]
    return [
        {
            "resourceType": "Flag",
            "status": "active",
            "category": [_coded("http://terminology.hl7.org/CodeSystem/flag-category", "safety")],
            "code": {"text": text},
            "subject": patient,
            "_text": text,
        }
        for _, text in dict.fromkeys(alerts)
    ]


def _about_me_lines(about: Mapping[str, Any]) -> list[str]:
    lines = [
        str(about[k])
        for k in ("summary", "communication", "pain_and_distress", "what_helps", "routines")
        if about.get(k)
    ]
    for label in ("likes", "dislikes"):
        if about.get(label):
            lines.append(f"{label.capitalize()}: {', '.join(about[label])}")
    return lines or ["Nothing recorded."]


def _consent(
    claims: Mapping[str, Any], patient: dict[str, Any], *, recipient: str, audience: str, when: str
) -> dict[str, Any]:
    shown = sorted(name for name in claims if name != "subject")
    return {
        "resourceType": "Consent",
        "status": "active",
        "scope": _coded("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
        "category": [_coded(LOINC, "59284-0")],
        "patient": patient,
        "dateTime": when,
        "policyRule": {"text": "The person's consent for this audience, as recorded in their care passport"},
        "provision": {
            "type": "permit",
            "actor": [
                {
                    "role": _coded("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP"),
                    "reference": {"identifier": {"system": ORGANISATION_SYSTEM, "value": recipient}},
                }
            ],
            "code": [{"text": name} for name in shown],
        },
        "_text": f"Shared with {recipient} ({audience}): {', '.join(shown) or 'identity only'}",
    }


def _section(name: str, lines: Sequence[str], entries: Sequence[str]) -> dict[str, Any]:
    code, title = SECTIONS[name]
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    section: dict[str, Any] = {
        "title": title,
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "text": {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><ul>{items}</ul></div>'},
    }
    if entries:
        section["entry"] = [{"reference": url} for url in entries]
    return section


def _coded(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}
