"""One identity per signed thing, and a custody copy that proves itself whole.

ECDSA signatures are malleable: (r, s) and (r, n - s) both verify. A token whose digest is an identity (a passport
version, named by the next version's ``prev``) must have one encoding only, so we sign low-s and refuse the rest.
And an SD-JWT issued with ``commit_all`` lists every real disclosure in one more disclosure, so removing any is seen.
"""

from __future__ import annotations

import pytest

from crypto import (
    SdJwt,
    SigningKey,
    TrustStore,
    b64url_decode,
    b64url_encode,
    issue_sd_jwt,
    require_canonical,
    require_complete,
    sign_compact,
    verify_sd_jwt,
)
from crypto.sdjwt import MAX_DISCLOSURE_CHARS
from schemas.errors import RecordIncomplete, SignatureNotCanonical, TokenTooLarge
from tests.crypto.forge import NOW, ORG, TYP, claims

N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
CONCEALED = {"name": "Ann Example", "equipment": [{"id": "e1", "item": "wheelchair"}, {"id": "e2", "item": "hoist"}]}


def _flip_s(token: str) -> str:
    signing_input, _, signature = token.rpartition(".")
    raw = b64url_decode(signature)
    return f"{signing_input}.{b64url_encode(raw[:32] + (N - int.from_bytes(raw[32:], 'big')).to_bytes(32, 'big'))}"


def test_every_signature_we_make_is_low_s_and_its_twin_is_refused(issuer_key: SigningKey) -> None:
    """Forty signatures (a high s in about half of raw ECDSA signatures): every one low, every twin refused."""
    for n in range(40):
        token = sign_compact(key=issuer_key, typ=TYP, claims=claims(n=n))
        s = int.from_bytes(b64url_decode(token.rpartition(".")[2])[32:], "big")
        assert 0 < s <= N // 2
        require_canonical(token)
        with pytest.raises(SignatureNotCanonical, match="low-s"):
            require_canonical(_flip_s(token))


def test_a_complete_copy_proves_itself_and_a_cut_one_does_not(issuer_key: SigningKey, trust: TrustStore) -> None:
    """require_complete accepts the SD-JWT as issued and refuses it less any one disclosure, item or section."""
    issued = issue_sd_jwt(
        key=issuer_key, visible={"iss": ORG, "iat": NOW}, concealed=CONCEALED, holder=issuer_key.public, commit_all="m"
    )
    require_complete(verify_sd_jwt(issued.serialize(), trust=trust, now=NOW), claim="m")
    real = [d for d in issued.disclosures if d.name != "m"]
    items = [d for d in real if d.name is None]
    section = next(d for d in real if d.name == "equipment")
    assert len(items) == 2
    # one item; a claim; a section with its items (a section alone leaves its items unreferenced: refused anyway)
    name = next(d for d in real if d.name == "name")
    for dropped in ({items[0].digest}, {name.digest}, {section.digest, *(d.digest for d in items)}):
        cut = SdJwt(issued.issuer_jwt, tuple(d for d in issued.disclosures if d.digest not in dropped))
        verified = verify_sd_jwt(cut.serialize(), trust=trust, now=NOW)  # an ordinary verifier cannot tell
        with pytest.raises(RecordIncomplete, match="removed"):
            require_complete(verified, claim="m")
    without_list = SdJwt(issued.issuer_jwt, tuple(real))
    with pytest.raises(RecordIncomplete, match="list of its own parts"):
        require_complete(verify_sd_jwt(without_list.serialize(), trust=trust, now=NOW), claim="m")


def test_nothing_is_issued_that_a_verifier_would_refuse_as_too_large(issuer_key: SigningKey) -> None:
    """A disclosure over the verify cap is refused when issuing, not found out by the receiver."""
    with pytest.raises(TokenTooLarge, match="verifier accepts"):
        issue_sd_jwt(key=issuer_key, visible={"iss": ORG, "iat": NOW}, concealed={"notes": "x" * MAX_DISCLOSURE_CHARS})
