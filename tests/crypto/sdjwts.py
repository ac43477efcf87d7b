"""An SD-JWT to test with: what it conceals, the subset a view shows, and how to present or rebuild it."""

from __future__ import annotations

from typing import Any

from crypto import Disclosure, SdJwt, SigningKey, present_sd_jwt
from tests.crypto.forge import NOW, ORG

AUDIENCE = "org-b"
NONCE = "nonce-1"
VISIBLE: dict[str, Any] = {"iss": ORG, "iat": NOW, "pid": "p-1"}
CONCEALED: dict[str, Any] = {
    "name": "Ann Example",
    "medications": [
        {"drug": "salbutamol", "dose": "100 µg"},
        {"drug": "sertraline", "dose": "50 mg"},
        "paracetamol",
    ],
    "allergies": ["penicillin"],
    "contacts": {"gp": "Dr Example", "phone": "01234 567890"},
}
# One disclosure per concealed claim, plus one per item of each list: 4 + 3 + 1.
DISCLOSURE_COUNT = 8


def find(sd_jwt: SdJwt, *, name: str | None = None, value: Any = None) -> Disclosure:
    """The disclosure of claim ``name``, or of the array item equal to ``value``."""
    for disclosure in sd_jwt.disclosures:
        if name is not None and disclosure.name == name:
            return disclosure
        if name is None and disclosure.name is None and disclosure.value == value:
            return disclosure
    raise LookupError(name or value)


def chosen(sd_jwt: SdJwt) -> list[Disclosure]:
    """The subset used for views: the name, the medications section and its second item only."""
    return [
        find(sd_jwt, name="name"),
        find(sd_jwt, name="medications"),
        find(sd_jwt, value=CONCEALED["medications"][1]),
    ]


def view(sd_jwt: SdJwt, key: SigningKey, *, audience: str = AUDIENCE) -> SdJwt:
    """A presentation of :func:`chosen` for ``audience``."""
    return present_sd_jwt(sd_jwt, disclosures=chosen(sd_jwt), key=key, audience=audience, nonce=NONCE, iat=NOW)


def with_disclosures(sd_jwt: SdJwt, disclosures: list[str], kb_jwt: str | None = None) -> str:
    """The compact form of ``sd_jwt``'s issuer JWT with any disclosure strings (and KB-JWT) after it."""
    return "".join(f"{part}~" for part in [sd_jwt.issuer_jwt, *disclosures]) + (kb_jwt or "")
