"""Interoperability with an independent SD-JWT implementation, the ``sd-jwt`` package (RFC 9901).

A care passport must be readable by a partner that does not run our code, and we must read
theirs. So, both ways round: what we issue and present is accepted by ``sd_jwt``'s verifier with
the same disclosed claims ours sees, and what ``sd_jwt`` issues and its holder presents with key
binding is accepted by our verifier with the same claims its own verifier sees.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier

from crypto import (
    KB_JWT_TYP,
    SD_JWT_TYP,
    KeyBindingPolicy,
    PublicKey,
    SigningKey,
    TrustedKey,
    TrustStore,
    issue_sd_jwt,
    present_sd_jwt,
    verify_sd_jwt,
)
from tests.crypto.forge import ORG, unb64

AUDIENCE = "https://org-b.example"
NONCE = "interop-nonce-1"


def jwcrypto_public(key: SigningKey) -> JWK:
    """Our public key as the other implementation sees it: a jwcrypto JWK built from the JWK members."""
    return JWK(**{name: value for name, value in key.public.jwk().items() if name in ("kty", "crv", "x", "y")})


def foreign_verify(text: str, issuer: JWK, *, key_binding: bool) -> dict[str, Any]:
    """``sd_jwt``'s verifier, with its issuer key callback pinned to one key and our typ."""

    def issuer_key(iss: str | None, header: dict[str, Any]) -> JWK:
        assert iss == ORG
        assert header["typ"] == SD_JWT_TYP
        return issuer

    if key_binding:
        verifier = SDJWTVerifier(text, issuer_key, expected_aud=AUDIENCE, expected_nonce=NONCE)
    else:
        verifier = SDJWTVerifier(text, issuer_key)
    payload: dict[str, Any] = verifier.get_verified_payload()
    return payload


# --- (a) ours -> theirs -----------------------------------------------------------------------

CONCEALED: dict[str, Any] = {
    "name": "Ann Example",
    "medications": [{"drug": "salbutamol", "dose": "100 µg"}, {"drug": "sertraline", "dose": "50 mg"}],
    "allergies": ["penicillin", "latex"],
}


def test_our_sd_jwt_is_accepted_by_sd_jwt(issuer_key: SigningKey, holder_key: SigningKey, trust: TrustStore) -> None:
    """An SD-JWT we issue (all disclosures, no key binding) verifies in sd_jwt to the claims ours gives."""
    now = int(time.time())
    issued = issue_sd_jwt(
        key=issuer_key, visible={"iss": ORG, "iat": now}, concealed=CONCEALED, holder=holder_key.public
    )
    text = issued.serialize()
    ours = verify_sd_jwt(text, trust=trust, now=now).claims
    theirs = foreign_verify(text, jwcrypto_public(issuer_key), key_binding=False)
    assert theirs == ours
    assert ours["medications"] == CONCEALED["medications"]


def test_our_view_is_accepted_by_sd_jwt(issuer_key: SigningKey, holder_key: SigningKey, trust: TrustStore) -> None:
    """A view we present with key binding verifies in sd_jwt (aud, nonce, sd_hash) to the same subset."""
    now = int(time.time())
    issued = issue_sd_jwt(
        key=issuer_key, visible={"iss": ORG, "iat": now}, concealed=CONCEALED, holder=holder_key.public
    )
    subset = [
        d for d in issued.disclosures if d.name in ("name", "allergies") or (d.name is None and d.value == "latex")
    ]
    presented = present_sd_jwt(issued, disclosures=subset, key=holder_key, audience=AUDIENCE, nonce=NONCE, iat=now)
    text = presented.serialize()
    ours = verify_sd_jwt(text, trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE, nonce=NONCE), now=now)
    theirs = foreign_verify(text, jwcrypto_public(issuer_key), key_binding=True)
    assert theirs == ours.claims
    assert ours.claims["allergies"] == ["latex"]
    assert "medications" not in ours.claims


def test_sd_jwt_refuses_our_view_for_another_audience(issuer_key: SigningKey, holder_key: SigningKey) -> None:
    """The other implementation also refuses our view when it was made for someone else (sanity check)."""
    now = int(time.time())
    issued = issue_sd_jwt(
        key=issuer_key, visible={"iss": ORG, "iat": now}, concealed=CONCEALED, holder=holder_key.public
    )
    presented = present_sd_jwt(
        issued, disclosures=[], key=holder_key, audience="https://org-c.example", nonce=NONCE, iat=now
    )
    with pytest.raises(ValueError, match="Invalid audience"):
        foreign_verify(presented.serialize(), jwcrypto_public(issuer_key), key_binding=True)


# --- (b) theirs -> ours -----------------------------------------------------------------------


def test_an_sd_jwt_view_from_sd_jwt_is_accepted_by_us() -> None:
    """An SD-JWT issued by sd_jwt and presented by its holder with key binding verifies with us.

    Keys are made with ``cryptography`` and handed to each side in its own form: a jwcrypto JWK for
    the package, a :class:`PublicKey` (whose thumbprint is the header ``kid``) for our trust store.
    """
    issuer_private = ec.generate_private_key(ec.SECP256R1())
    holder_private = ec.generate_private_key(ec.SECP256R1())
    issuer_public = PublicKey.from_cryptography(issuer_private.public_key())
    now = int(time.time())
    user_claims = {
        "iss": ORG,
        "iat": now,
        "pid": "p-1",
        SDObj("name"): "Erika Mustermann",
        SDObj("conditions"): [SDObj("asthma"), SDObj("eczema"), "hay fever"],
        "address": {SDObj("street"): "1 High Street", "country": "GB"},
    }
    issuer = SDJWTIssuer(
        user_claims,
        JWK.from_pyca(issuer_private),
        holder_key=JWK.from_pyca(holder_private),
        sign_alg="ES256",
        add_decoy_claims=True,
        extra_header_parameters={"typ": SD_JWT_TYP, "kid": issuer_public.kid},
    )
    holder = SDJWTHolder(issuer.sd_jwt_issuance)
    holder.create_presentation(
        {"name": True, "conditions": [False, True], "address": {}},
        nonce=NONCE,
        aud=AUDIENCE,
        holder_key=JWK.from_pyca(holder_private),
        sign_alg="ES256",
    )
    text = holder.sd_jwt_presentation
    # The package's wire format, as RFC 9901 s.4.3 has it: no trailing "~" after a KB-JWT typed kb+jwt.
    assert not text.endswith("~")
    assert json.loads(unb64(text.rsplit("~", 1)[1].split(".")[0])) == {"alg": "ES256", "typ": KB_JWT_TYP}
    assert json.loads(unb64(text.split(".")[0]))["kid"] == issuer_public.kid

    trust = TrustStore.of([TrustedKey(ORG, issuer_public)])
    ours = verify_sd_jwt(text, trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE, nonce=NONCE), now=now)
    theirs = foreign_verify(text, JWK.from_pyca(issuer_private.public_key()), key_binding=True)
    assert ours.claims == theirs
    assert ours.issuer == ORG
    assert ours.claims["name"] == "Erika Mustermann"
    assert ours.claims["conditions"] == ["eczema", "hay fever"]
    assert ours.claims["address"] == {"country": "GB"}
    assert ours.key_binding is not None
    assert ours.key_binding["aud"] == AUDIENCE


def test_an_sd_jwt_issuance_from_sd_jwt_is_accepted_by_us() -> None:
    """The full issuance from sd_jwt (every disclosure, no KB-JWT) verifies with us to the same claims."""
    issuer_private = ec.generate_private_key(ec.SECP256R1())
    issuer_public = PublicKey.from_cryptography(issuer_private.public_key())
    now = int(time.time())
    issuer = SDJWTIssuer(
        {"iss": ORG, "iat": now, SDObj("name"): "Erika", "list": [SDObj({"nested": [SDObj(1), 2]}), 3]},
        JWK.from_pyca(issuer_private),
        sign_alg="ES256",
        add_decoy_claims=True,
        extra_header_parameters={"typ": SD_JWT_TYP, "kid": issuer_public.kid},
    )
    text = issuer.sd_jwt_issuance
    trust = TrustStore.of([TrustedKey(ORG, issuer_public)])
    ours = verify_sd_jwt(text, trust=trust, now=now)
    theirs = foreign_verify(text, JWK.from_pyca(issuer_private.public_key()), key_binding=False)
    assert ours.claims == theirs
    assert ours.claims == {"iss": ORG, "iat": now, "name": "Erika", "list": [{"nested": [1, 2]}, 3]}
