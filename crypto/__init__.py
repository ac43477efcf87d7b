"""Keys, compact JWS, SD-JWT (RFC 9901) and the trust store: everything that signs or verifies.

Imports nothing of ours but ``schemas``. Every verifier returns what it verified or raises
a :class:`schemas.errors.PassportError`; none returns a bool.
"""

from crypto.jws import (
    ALGORITHM,
    MAX_INFLATED_BYTES,
    VerifiedJws,
    b64url_decode,
    b64url_encode,
    canonical_json,
    parse_json,
    read_header,
    require_canonical,
    sign_compact,
    verify_compact,
    verify_with_key,
)
from crypto.keybinding import KB_JWT_TYP, KeyBindingPolicy
from crypto.keys import KID_PATTERN, PublicKey, SigningKey, jwks, keys_from_jwks
from crypto.sdjwt import (
    MAX_SD_JWT_CHARS,
    SD_JWT_TYP,
    Disclosure,
    SdJwt,
    VerifiedSdJwt,
    issue_sd_jwt,
    present_sd_jwt,
    require_complete,
    sd_digest,
    verify_sd_jwt,
)
from crypto.trust import TrustedKey, TrustStore

__all__ = [
    "ALGORITHM",
    "KB_JWT_TYP",
    "KID_PATTERN",
    "MAX_INFLATED_BYTES",
    "MAX_SD_JWT_CHARS",
    "SD_JWT_TYP",
    "Disclosure",
    "KeyBindingPolicy",
    "PublicKey",
    "SdJwt",
    "SigningKey",
    "TrustStore",
    "TrustedKey",
    "VerifiedJws",
    "VerifiedSdJwt",
    "b64url_decode",
    "b64url_encode",
    "canonical_json",
    "issue_sd_jwt",
    "jwks",
    "keys_from_jwks",
    "parse_json",
    "present_sd_jwt",
    "read_header",
    "require_canonical",
    "require_complete",
    "sd_digest",
    "sign_compact",
    "verify_compact",
    "verify_sd_jwt",
    "verify_with_key",
]
