"""Consent-scoped views: SD-JWT presentations that reveal exactly what the person allows one audience to see.

A view of the current version holds the issuer-signed JWT, the ``subject`` disclosure, the disclosures of every
section the audience's consent permits (for a list section, every item but those withheld), the disclosures a
safety-critical override names, and a Key Binding JWT (RFC 9901 s.4.3) signed with the key the version's ``cnf``
names, for one recipient organisation (``aud``), so a view given to one recipient cannot be replayed to another.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from crypto import Disclosure, PublicKey, SdJwt, b64url_decode, parse_json, present_sd_jwt
from passport.core.identity import KeyRing
from passport.core.versions import NON_CONTENT_CLAIMS
from schemas import LIST_SECTIONS, Audience, PassportContent
from schemas.errors import InvalidRequest, MalformedToken

# UK GDPR and the Care Act: the bases on which an item may be shared beyond the person's consent.
LawfulBasis = Literal[
    "vital_interests",  # UK GDPR Art. 9(2)(c): to protect life when consent cannot be given
    "safeguarding",  # Care Act 2014 s.42 and s.45; DPA 2018 Sch. 1 para. 18 (safeguarding of individuals at risk)
    "legal_obligation",  # UK GDPR Art. 6(1)(c): a duty in law, such as a court order
    "health_or_social_care",  # UK GDPR Art. 9(2)(h): the provision of health or social care
]
LAWFUL_BASES: tuple[LawfulBasis, ...] = ("vital_interests", "safeguarding", "legal_obligation", "health_or_social_care")


@dataclass(frozen=True)
class Override:
    """A safety-critical disclosure beyond consent: which items or sections, to whom, on what basis and why."""

    recipient: str
    audience: Audience
    targets: tuple[str, ...]
    lawful_basis: LawfulBasis
    reason: str


@dataclass(frozen=True)
class View:
    """A presentation made for one recipient, and what it disclosed."""

    presentation: SdJwt
    pid: str
    ver: int
    audience: Audience
    recipient: str
    sections: tuple[str, ...]
    items: tuple[str, ...]
    overridden: tuple[str, ...]

    def serialize(self) -> str:
        """The SD-JWT presentation: issuer-signed JWT, disclosures, Key Binding JWT."""
        return self.presentation.serialize()

    def disclosed_claims(self) -> dict[str, Any]:
        """What this view discloses, section by section; a list section holds only its disclosed items."""
        claims: dict[str, Any] = {}
        for name, (section, items) in _section_map(self.presentation).items():
            claims[name] = [item.value for item in items] if isinstance(section.value, list) else section.value
        return claims


def _section_map(sd_jwt: SdJwt) -> dict[str, tuple[Disclosure, list[Disclosure]]]:
    """Each top-level claim's disclosure and, for a list, its items' disclosures in order."""
    by_digest = {d.digest: d for d in sd_jwt.disclosures}
    sections: dict[str, tuple[Disclosure, list[Disclosure]]] = {}
    for disclosure in sd_jwt.disclosures:
        if disclosure.name is None:
            continue
        items: list[Disclosure] = []
        if isinstance(disclosure.value, list):
            for entry in disclosure.value:
                found = by_digest.get(entry.get("...", "")) if isinstance(entry, dict) else None
                if found is not None:
                    items.append(found)
        sections[disclosure.name] = (disclosure, items)
    return sections


def _item_id(disclosure: Disclosure) -> str | None:
    value: Any = disclosure.value
    return value.get("id") if isinstance(value, dict) and isinstance(value.get("id"), str) else None


def make_view(
    *,
    sd_jwt: str,
    content: PassportContent,
    audience: Audience,
    recipient: str,
    keyring: KeyRing,
    overrides: Sequence[Override] = (),
    now: int,
    nonce: str | None = None,
) -> View:
    """Present the version ``sd_jwt`` (whose content is ``content``) to ``recipient`` as ``audience`` may see it."""
    issued = SdJwt.parse(sd_jwt)
    sections = _section_map(issued)
    permitted = set(content.consent.permitted_sections(audience))
    withheld = content.consent.withheld_items(audience)
    forced = {target for o in overrides for target in o.targets}
    chosen: list[Disclosure] = []
    shown_sections: list[str] = []
    shown_items: list[str] = []
    for name, (section, items) in sections.items():
        if name == "consent" or name in NON_CONTENT_CLAIMS:
            continue  # the person's own instructions, and custody's own claims, are never in a view
        whole = name == "subject" or name in forced or (name in permitted and name not in LIST_SECTIONS)
        visible = [
            item
            for item in items
            if name in forced or (name in permitted and _item_id(item) not in withheld) or _item_id(item) in forced
        ]
        if not (whole or name in permitted or visible):
            continue
        chosen += [section, *visible]
        shown_sections.append(name)
        shown_items += [i for i in map(_item_id, visible) if i is not None]
    payload = _unverified_claims(issued)
    key = keyring.signing_key_for(_cnf_kid(payload))
    presentation = present_sd_jwt(
        issued,
        disclosures=chosen,
        key=key,
        audience=recipient,
        nonce=nonce or secrets.token_urlsafe(16),
        iat=now,
    )
    overridden = tuple(sorted(forced & (set(shown_items) | set(shown_sections))))
    return View(
        presentation,
        str(payload["pid"]),
        int(payload["ver"]),
        audience,
        recipient,
        tuple(shown_sections),
        tuple(shown_items),
        overridden,
    )


def check_override_targets(content: PassportContent, targets: Iterable[str]) -> tuple[str, ...]:
    """The targets of an override must be item ids or disclosable section names of this passport."""
    known = set(content.item_ids()) | {
        name for name in type(content).model_fields if name not in ("subject", "consent")
    }
    chosen = tuple(dict.fromkeys(targets))
    if not chosen:
        raise InvalidRequest("an override must name at least one item or section")
    unknown = [t for t in chosen if t not in known]
    if unknown:
        raise InvalidRequest(f"an override names {len(unknown)} item(s) or section(s) this passport does not have")
    return chosen


def _unverified_claims(sd_jwt: SdJwt) -> dict[str, Any]:
    """The issuer-signed JWT's payload, read without verifying it: only for a version this deployment stored as it
    issued or verified it (never for anything a client sent)."""
    payload = parse_json(b64url_decode(sd_jwt.issuer_jwt.split(".")[1]))
    if not isinstance(payload, dict):
        raise MalformedToken("the version's payload is not an object")
    return payload


def _cnf_kid(payload: dict[str, Any]) -> str:
    """The thumbprint of the key the issuer-signed JWT names in ``cnf`` (RFC 7800 s.3.2)."""
    cnf = payload.get("cnf")
    if not isinstance(cnf, dict) or not isinstance(cnf.get("jwk"), dict):
        raise MalformedToken("the version names no key to bind views")
    return PublicKey.from_jwk(cnf["jwk"]).kid
