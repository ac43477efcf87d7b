"""ES256 keys: the ``kid`` anyone can recompute, key files only the owner can read, and JWK Sets.

These protect what an operator and a partner organisation rely on: a published ``kid`` names
exactly one key, a private key is never written world-readable or over another key, a key file
that others can read (or that holds the wrong kind of key) is refused at start-up, and a JWK Set
cannot smuggle in a mislabelled key or a private key.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from crypto import KID_PATTERN, PublicKey, SigningKey, jwks, keys_from_jwks
from schemas.errors import AlreadyExists, ConfigurationError, InsecureKeyFile, MalformedToken, SignatureInvalid
from tests.crypto.forge import b64


def independent_thumbprint(public: ec.EllipticCurvePublicKey) -> str:
    """RFC 7638 s.3 by hand: SHA-256 over the required members in lexicographic order, no whitespace."""
    numbers = public.public_numbers()
    members = {
        "crv": "P-256",
        "kty": "EC",
        # RFC 7518 s.6.2.1.2: coordinates are the full 32 octets, leading zeros kept.
        "x": b64(numbers.x.to_bytes(32, "big")),
        "y": b64(numbers.y.to_bytes(32, "big")),
    }
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode("utf-8")
    assert canonical.startswith(b'{"crv":"P-256","kty":"EC","x":"')
    return b64(hashlib.sha256(canonical).digest())


def pkcs8(private: PrivateKeyTypes) -> bytes:
    """An unencrypted PKCS#8 PEM of any ``cryptography`` private key."""
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def write_private(path: Path, data: bytes, mode: int = 0o600) -> Path:
    """Write a key file with exactly ``mode`` (whatever the umask)."""
    path.write_bytes(data)
    path.chmod(mode)
    return path


# --- kid --------------------------------------------------------------------------------------


def test_kid_is_the_rfc7638_thumbprint() -> None:
    """A partner can recompute our ``kid`` from the public key alone (RFC 7638)."""
    key = SigningKey.generate()
    expected = independent_thumbprint(key.private_key().public_key())
    assert key.kid == expected
    assert key.public.kid == expected
    assert KID_PATTERN.fullmatch(key.kid)
    assert key.public.jwk()["kid"] == expected


def test_kid_keeps_leading_zero_octets_of_coordinates() -> None:
    """A key whose x or y coordinate is short still has the RFC 7638 thumbprint (32-octet coordinates)."""
    for _ in range(20_000):  # about 1 key in 128 has a leading zero octet in x or y
        private = ec.generate_private_key(ec.SECP256R1())
        numbers = private.public_key().public_numbers()
        if numbers.x.bit_length() <= 248 or numbers.y.bit_length() <= 248:
            break
    else:  # pragma: no cover - a probability of about 1e-68
        pytest.fail("no key with a short coordinate was found")
    key = SigningKey.from_pem(pkcs8(private))
    assert key.kid == independent_thumbprint(private.public_key())
    jwk = key.public.jwk()
    assert len(jwk["x"]) == 43
    assert len(jwk["y"]) == 43


def test_thumbprint_members_are_what_rfc7638_hashes() -> None:
    """The ``cnf`` claim carries exactly crv, kty, x and y, and they hash to the ``kid``."""
    key = SigningKey.generate().public
    members = key.thumbprint_members()
    assert sorted(members) == ["crv", "kty", "x", "y"]
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode("utf-8")
    assert b64(hashlib.sha256(canonical).digest()) == key.kid


def test_public_jwk_has_no_private_members() -> None:
    """The published JWK is public: kty, crv, x, y, kid, alg and use, and never ``d``."""
    jwk = SigningKey.generate().public.jwk()
    assert set(jwk) == {"kty", "crv", "x", "y", "kid", "alg", "use"}
    assert jwk["alg"] == "ES256"
    assert jwk["use"] == "sig"


# --- key files --------------------------------------------------------------------------------


def test_save_writes_mode_0600_and_load_round_trips(tmp_path: Path) -> None:
    """A saved key is readable by its owner only, and loads back as the same key."""
    key = SigningKey.generate()
    path = tmp_path / "signing.pem"
    key.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    loaded = SigningKey.load(path)
    assert loaded.kid == key.kid
    assert loaded.sign_raw(b"data") != b""
    key.public.verify_raw(signature=loaded.sign_raw(b"data"), data=b"data")
    with pytest.raises(SignatureInvalid):
        key.public.verify_raw(signature=loaded.sign_raw(b"data"), data=b"other data")


def test_save_is_not_widened_by_a_permissive_umask(tmp_path: Path) -> None:
    """Even with umask 000 the key file is created 0600, never world-readable for an instant."""
    previous = os.umask(0)
    try:
        SigningKey.generate().save(tmp_path / "signing.pem")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "signing.pem").stat().st_mode) == 0o600


def test_save_refuses_to_overwrite(tmp_path: Path) -> None:
    """Saving over an existing key file fails and leaves the old key intact."""
    path = tmp_path / "signing.pem"
    first = SigningKey.generate()
    first.save(path)
    before = path.read_bytes()
    with pytest.raises(AlreadyExists, match="exists already") as caught:
        SigningKey.generate().save(path)
    assert caught.value.code == "already_exists"
    assert path.read_bytes() == before
    assert SigningKey.load(path).kid == first.kid


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o606, 0o610, 0o601])
def test_load_refuses_a_file_others_can_use(tmp_path: Path, mode: int) -> None:
    """A key file with any group or other permission bit is refused, naming the mode."""
    path = write_private(tmp_path / "signing.pem", pkcs8(SigningKey.generate().private_key()), mode)
    with pytest.raises(InsecureKeyFile, match=f"must have mode 0600 \\(it is {mode:o}\\)") as caught:
        SigningKey.load(path)
    assert caught.value.code == "insecure_key_file"


def test_load_accepts_an_owner_read_only_file(tmp_path: Path) -> None:
    """0400 is stricter than 0600 and is accepted."""
    key = SigningKey.generate()
    path = write_private(tmp_path / "signing.pem", pkcs8(key.private_key()), 0o400)
    assert SigningKey.load(path).kid == key.kid


NOT_P256: dict[str, Callable[[], PrivateKeyTypes]] = {
    "P-384": lambda: ec.generate_private_key(ec.SECP384R1()),
    "secp256k1": lambda: ec.generate_private_key(ec.SECP256K1()),  # 256-bit, but not P-256
    "Ed25519": ed25519.Ed25519PrivateKey.generate,
    "RSA-2048": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
}


@pytest.mark.parametrize("make", NOT_P256.values(), ids=NOT_P256.keys())
def test_load_refuses_a_key_that_is_not_p256(tmp_path: Path, make: Callable[[], PrivateKeyTypes]) -> None:
    """Only ES256 keys sign here: any other curve or key type is a configuration error."""
    path = write_private(tmp_path / "signing.pem", pkcs8(make()))
    with pytest.raises(ConfigurationError, match="not an EC P-256 key") as caught:
        SigningKey.load(path)
    assert type(caught.value) is ConfigurationError
    assert caught.value.code == "configuration_error"


def public_pem() -> bytes:
    return (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def encrypted_pem() -> bytes:
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"a test passphrase"),
    )


UNREADABLE: dict[str, Callable[[], bytes]] = {
    "garbage": lambda: b"not a key at all",
    "bad-der": lambda: b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    "public-key": public_pem,
    "encrypted": encrypted_pem,
}


@pytest.mark.parametrize("make", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_load_refuses_an_unreadable_key(tmp_path: Path, make: Callable[[], bytes]) -> None:
    """A file that is not an unencrypted private key PEM is a configuration error, not a crash."""
    path = write_private(tmp_path / "signing.pem", make())
    with pytest.raises(ConfigurationError, match="not a readable PEM key") as caught:
        SigningKey.load(path)
    assert caught.value.code == "configuration_error"


def test_load_reports_a_missing_file(tmp_path: Path) -> None:
    """A missing key file is a configuration error naming the file."""
    with pytest.raises(ConfigurationError, match=r"cannot read the key file absent\.pem"):
        SigningKey.load(tmp_path / "absent.pem")


# --- JWK Sets ---------------------------------------------------------------------------------


def test_jwks_round_trips() -> None:
    """A published JWK Set, sent as JSON, gives back the same keys with the same kids."""
    keys = [SigningKey.generate().public for _ in range(3)]
    document = json.loads(json.dumps(jwks(keys)))
    parsed = keys_from_jwks(document)
    assert [key.kid for key in parsed] == [key.kid for key in keys]
    assert [key.jwk() for key in parsed] == [key.jwk() for key in keys]
    assert parsed == keys


def test_jwk_without_kid_is_given_its_thumbprint() -> None:
    """A JWK with no ``kid`` is accepted and named by its thumbprint."""
    key = SigningKey.generate().public
    jwk = {name: key.jwk()[name] for name in ("kty", "crv", "x", "y")}
    assert [parsed.kid for parsed in keys_from_jwks({"keys": [jwk]})] == [key.kid]


def test_jwks_refuses_a_kid_that_is_not_the_thumbprint() -> None:
    """A JWK Set cannot label a key with another key's kid, or with a free-form name."""
    key, other = SigningKey.generate().public, SigningKey.generate().public
    for kid in (other.kid, "signing-key-1"):
        document = {"keys": [{**key.jwk(), "kid": kid}]}
        with pytest.raises(MalformedToken, match="not its RFC 7638 thumbprint") as caught:
            keys_from_jwks(document)
        assert caught.value.code == "malformed_token"


def test_jwks_refuses_private_key_material() -> None:
    """A JWK carrying ``d`` is refused: a public key set must never hold a private key."""
    signing = SigningKey.generate()
    d = b64(signing.private_key().private_numbers().private_value.to_bytes(32, "big"))
    document = {"keys": [{**signing.public.jwk(), "d": d}]}
    with pytest.raises(MalformedToken, match="private key material") as caught:
        keys_from_jwks(document)
    assert caught.value.code == "malformed_token"
    with pytest.raises(MalformedToken, match="private key material"):
        PublicKey.from_jwk({**signing.public.jwk(), "d": d})


@pytest.mark.parametrize(
    "document",
    [None, [], {}, {"keys": {}}, {"keys": "x"}, {"keys": [None]}, {"keys": ["a key"]}],
    ids=["none", "list", "empty", "keys-object", "keys-string", "null-entry", "string-entry"],
)
def test_jwks_refuses_what_is_not_a_jwk_set(document: object) -> None:
    """Anything but ``{"keys": [JWK, ...]}`` is a malformed document."""
    with pytest.raises(MalformedToken, match=r"not a JWK Set|not an EC P-256 JWK"):
        keys_from_jwks(document)


def test_jwk_refuses_other_curves_and_points_off_the_curve() -> None:
    """Only EC P-256 points are keys here; a P-384 JWK or a tampered coordinate is refused."""
    jwk = SigningKey.generate().public.jwk()
    with pytest.raises(MalformedToken, match="not an EC P-256 JWK"):
        PublicKey.from_jwk({**jwk, "crv": "P-384"})
    with pytest.raises(MalformedToken, match="not an EC P-256 JWK"):
        PublicKey.from_jwk({**jwk, "kty": "OKP"})
    off_curve = b64((1).to_bytes(32, "big"))
    with pytest.raises(MalformedToken, match="not a valid EC P-256 point"):
        PublicKey.from_jwk({**jwk, "y": off_curve})
