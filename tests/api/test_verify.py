"""POST /v1/verify refuses forged and damaged tokens with the right code, and stores nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from crypto import SdJwt, SigningKey, b64url_decode, b64url_encode
from passport.services.storage import AuditRow, PassportRow, VersionRow
from tests.conftest import LiveServer


def _b64json(value: object) -> str:
    return b64url_encode(json.dumps(value).encode())


def _flip(text: str, index: int) -> str:
    """Change one base64url character (keeping the text base64url)."""
    char = text[index]
    return text[:index] + ("A" if char != "A" else "B") + text[index + 1 :]


def _with_jwt(sd_jwt: str, jwt: str) -> str:
    return jwt + sd_jwt[sd_jwt.index("~") :]


def _alg_none(sd_jwt: str) -> str:
    _, payload, _ = SdJwt.parse(sd_jwt).issuer_jwt.split(".")
    return _with_jwt(sd_jwt, f"{_b64json({'alg': 'none', 'typ': 'dc+sd-jwt'})}.{payload}.")


def _hs256_with_public_key(public_pem: bytes) -> Callable[[str], str]:
    def forge(sd_jwt: str) -> str:
        _, payload, _ = SdJwt.parse(sd_jwt).issuer_jwt.split(".")
        header = _b64json({"alg": "HS256", "typ": "dc+sd-jwt"})
        mac = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return _with_jwt(sd_jwt, f"{header}.{payload}.{b64url_encode(mac)}")

    return forge


def _resigned(header_changes: dict[str, Any], key: SigningKey | None = None) -> Callable[[str], str]:
    """Re-sign the issuer JWT with a changed header, by a key of our choosing (an attacker's)."""

    def forge(sd_jwt: str) -> str:
        signer = key or SigningKey.generate()
        header_b64, payload, _ = SdJwt.parse(sd_jwt).issuer_jwt.split(".")
        header = json.loads(b64url_decode(header_b64)) | header_changes
        signing_input = f"{_b64json(header)}.{payload}"
        return _with_jwt(sd_jwt, f"{signing_input}.{b64url_encode(signer.sign_raw(signing_input.encode()))}")

    return forge


def _flip_part(part: int) -> Callable[[str], str]:
    def forge(sd_jwt: str) -> str:
        jwt = SdJwt.parse(sd_jwt).issuer_jwt
        pieces = jwt.split(".")
        pieces[part] = _flip(pieces[part], len(pieces[part]) // 2)
        return _with_jwt(sd_jwt, ".".join(pieces))

    return forge


def _flip_disclosure(sd_jwt: str) -> str:
    parts = sd_jwt.split("~")
    parts[3] = _flip(parts[3], 10)
    return "~".join(parts)


def _unsigned_disclosure(sd_jwt: str) -> str:
    extra = _b64json([b64url_encode(b"0123456789abcdef"), "about_me", {"summary": "forged"}])
    return sd_jwt[:-1] + f"~{extra}~" if not sd_jwt.endswith("~") else sd_jwt + f"{extra}~"


FORGERIES: dict[str, tuple[Callable[[str], str], str]] = {
    "alg-none": (_alg_none, "algorithm_not_allowed"),
    "rs256": (_resigned({"alg": "RS256"}), "algorithm_not_allowed"),
    "unknown-kid": (_resigned({"kid": b64url_encode(hashlib.sha256(b"x").digest())}), "unknown_key"),
    "kid-path": (_resigned({"kid": "../../keys/active.pem"}), "unknown_key"),
    "kid-sql": (_resigned({"kid": "' OR 1=1; DROP TABLE version; --"}), "unknown_key"),
    "wrong-typ": (_resigned({"typ": "JWT"}), "wrong_token_type"),
    "flipped-signature": (_flip_part(2), "signature_invalid"),
    "flipped-payload": (_flip_part(1), "signature_invalid"),
    "flipped-disclosure": (_flip_disclosure, "disclosure_invalid"),
    "unsigned-disclosure": (_unsigned_disclosure, "disclosure_invalid"),
}


def _counts(server: LiveServer) -> tuple[int, int]:
    with Session(server.deployment.engine) as session:
        return (
            session.exec(select(func.count()).select_from(PassportRow)).one(),
            session.exec(select(func.count()).select_from(VersionRow)).one(),
        )


@pytest.fixture
def issued(live_server: LiveServer, reference: dict[str, Any]) -> str:
    """A real version issued by the server."""
    client = live_server.client(live_server.token("care_staff"))
    sd_jwt: str = client.post("/v1/passports", json=reference).json()["sd_jwt"]
    return sd_jwt


@pytest.mark.parametrize("name", list(FORGERIES))
def test_forged_versions_are_refused_and_nothing_is_stored(live_server: LiveServer, issued: str, name: str) -> None:
    """Each forgery gets its own stable code; no passport or version is added; the refusal is audited."""
    forge, code = FORGERIES[name]
    client = live_server.client(live_server.token("reception"))
    assert client.post("/v1/verify", json={"sd_jwt": issued}).status_code == 200
    before = _counts(live_server)
    response = client.post("/v1/verify", json={"sd_jwt": forge(issued)})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert _counts(live_server) == before
    with Session(live_server.deployment.engine) as session:
        last = session.exec(select(AuditRow).order_by(col(AuditRow.seq).desc())).first()
    assert last is not None and (last.action, last.outcome) == ("verify", code)


def test_hs256_signed_with_the_public_key_is_refused(live_server: LiveServer, issued: str) -> None:
    """The classic key-confusion attack (RFC 8725 s.2.1): HMAC keyed with the issuer's public key."""
    public = live_server.deployment.identity.keyring.active.public.jwk_key.public_key
    from cryptography.hazmat.primitives import serialization

    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    client = live_server.client(live_server.token("reception"))
    response = client.post("/v1/verify", json={"sd_jwt": _hs256_with_public_key(pem)(issued)})
    assert response.status_code == 422
    assert response.json()["code"] == "algorithm_not_allowed"


def test_an_oversize_token_is_refused_before_parsing(live_server: LiveServer, issued: str) -> None:
    """A header far over its cap: token_too_large."""
    _, payload, signature = SdJwt.parse(issued).issuer_jwt.split(".")
    huge_header = base64.urlsafe_b64encode(b'{"alg":"ES256","x":"' + b"A" * 5000 + b'"}').rstrip(b"=").decode()
    client = live_server.client(live_server.token("reception"))
    response = client.post("/v1/verify", json={"sd_jwt": _with_jwt(issued, f"{huge_header}.{payload}.{signature}")})
    assert response.status_code == 422
    assert response.json()["code"] == "token_too_large"


def test_an_oversize_body_is_refused(live_server: LiveServer) -> None:
    """A body over the server's cap (4 MB outside the paths that take a whole history): 413 before it is read."""
    client = live_server.client(live_server.token("care_staff"))
    response = client.post(
        "/v1/passports", content=b"x" * (5 * 1024 * 1024), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "invalid_request"


def test_an_oversize_chunked_body_is_refused(live_server: LiveServer) -> None:
    """A body sent in chunks, with no Content-Length, is counted as it arrives and refused past the cap."""

    def chunks() -> Iterator[bytes]:
        for _ in range(6):
            yield b" " * (1024 * 1024)

    client = live_server.client(live_server.token("care_staff"))
    response = client.post("/v1/passports", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "invalid_request"
