"""The card refuses what it must: expired (yet still saying what it said when its signature holds), from the
future, an unknown or revoked key, another issuer's key, a flipped digit, a bomb, another type, malformed claims."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from crypto import (
    MAX_INFLATED_BYTES,
    SigningKey,
    TrustedKey,
    TrustStore,
    b64url_decode,
    b64url_encode,
    parse_json,
    sign_compact,
)
from crypto.jws import inflate_deflated
from passport.core.card import (
    CARD_TYP,
    CLOCK_SKEW_SECONDS,
    MAX_TTL_SECONDS,
    Alert,
    Card,
    issue_card,
    unsafe_claimed_issuer,
)
from passport.core.qr import jws_from_scan, qr_text
from passport.core.versions import Version
from schemas import PassportContent, parse_content
from schemas.errors import (
    KeyRevoked,
    MalformedToken,
    SignatureInvalid,
    TokenExpired,
    TokenTooLarge,
    UnknownKey,
    UntrustedIssuer,
    WrongTokenType,
)
from tests.crypto.forge import refusal
from tests.passport.cards import NOW, WYMOTT, card_claims, make_card

MAX_CARD_CHARS = 670  # DESIGN.md section 5: the reference passport's card fits QR version 22 at level Q
MAX_QR_VERSION = 22

# What the reference passport's reception_card consent permits (needs, equipment, communication, less n5):
# communication flags, then the active needs n1-n4 by domain, then the equipment that follows the person.
REFERENCE_ALERTS = (
    Alert("er", "Easy read"),
    Alert("lp", "Large print"),
    Alert("hl", "Hearing loop"),
    Alert("lit", "Literacy support"),
    Alert("hyg", "Help to wash"),
    Alert("mob", "Mobility needs"),
    Alert("com", "Communication needs"),
    Alert("nut", "Help with meals"),
    Alert("eq", "Self-propelled wheelchair"),
    Alert("eq", "Hearing aids (both ears)"),
)


# -- refusals ---------------------------------------------------------------------------------------------------


def test_expired_card_is_refused(
    key: SigningKey, trust: TrustStore, version: Version, content: PassportContent
) -> None:
    jws = make_card(key, version, content, ttl_seconds=3600)
    expiry = NOW + 3600
    Card.verify(jws, trust=trust, now=expiry + CLOCK_SKEW_SECONDS)  # within the clock skew allowed
    with refusal(TokenExpired, "token_expired", "expired"):
        Card.verify(jws, trust=trust, now=expiry + CLOCK_SKEW_SECONDS + 1)


def test_an_expired_card_still_says_what_it_said_when_its_signature_holds(
    key: SigningKey, trust: TrustStore, version: Version, content: PassportContent
) -> None:
    """For the desk to show it marked as expired: every check but the expiry; a changed signature still fails."""
    jws = make_card(key, version, content, ttl_seconds=3600)
    later = NOW + 400 * 24 * 3600
    expired = Card.unsafe_verify_expired(jws, trust=trust, now=later)
    assert (expired.pid, expired.ver, expired.alerts) == (version.pid, 1, REFERENCE_ALERTS)
    header, payload, signature = jws.split(".")
    changed = f"{header}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    with pytest.raises(SignatureInvalid):
        Card.unsafe_verify_expired(changed, trust=trust, now=later)
    with refusal(UnknownKey, "unknown_key", "not trusted"):
        Card.unsafe_verify_expired(make_card(SigningKey.generate(), version, content), trust=trust, now=later)
    with refusal(TokenExpired, "token_expired", "in the future"):
        Card.unsafe_verify_expired(jws, trust=trust, now=NOW - 3600)


def test_the_issuer_a_card_claims_is_read_without_a_key(version: Version, content: PassportContent) -> None:
    """Only to say whom to call about a card from a key this deployment does not hold; junk gives None."""
    jws = make_card(SigningKey.generate(), version, content)
    assert unsafe_claimed_issuer(jws) == WYMOTT
    header, _, signature = jws.split(".")
    not_an_org = sign_compact(key=SigningKey.generate(), typ=CARD_TYP, claims={"iss": "HMP Nowhere"}, deflate=True)
    wrong_type = sign_compact(key=SigningKey.generate(), typ="JWT", claims={"iss": WYMOTT}, deflate=True)
    for junk in ("", "a.b.c", f"{header}.bm90IGRlZmxhdGVk.{signature}", not_an_org, wrong_type, jws + "x" * 2000):
        assert unsafe_claimed_issuer(junk) is None


def test_card_from_the_future_is_refused(
    key: SigningKey, trust: TrustStore, version: Version, content: PassportContent
) -> None:
    jws = make_card(key, version, content, now=NOW + CLOCK_SKEW_SECONDS + 1)
    with refusal(TokenExpired, "token_expired", "in the future"):
        Card.verify(jws, trust=trust, now=NOW)


def test_card_from_an_unknown_key_is_refused(trust: TrustStore, version: Version, content: PassportContent) -> None:
    jws = make_card(SigningKey.generate(), version, content)
    with refusal(UnknownKey, "unknown_key", "not trusted"):
        Card.verify(jws, trust=trust, now=NOW)


def test_card_whose_key_belongs_to_another_issuer_is_refused(
    key: SigningKey, version: Version, content: PassportContent
) -> None:
    # The store trusts the key, but for Risley: a card naming Wymott as its issuer is not Wymott's.
    elsewhere = TrustStore.of([TrustedKey("prison:RSY", key.public)])
    with refusal(UntrustedIssuer, "untrusted_issuer", "does not belong"):
        Card.verify(make_card(key, version, content), trust=elsewhere, now=NOW)


def test_card_signed_by_a_revoked_key_is_refused(key: SigningKey, version: Version, content: PassportContent) -> None:
    revoked = TrustStore.of([TrustedKey(WYMOTT, key.public, revoked_at=NOW)])
    with refusal(KeyRevoked, "key_revoked", "revoked"):
        Card.verify(make_card(key, version, content), trust=revoked, now=NOW)
    # A card signed before the revocation still verifies.
    earlier = TrustStore.of([TrustedKey(WYMOTT, key.public, revoked_at=NOW + 1)])
    Card.verify(make_card(key, version, content), trust=earlier, now=NOW)


def test_card_with_one_digit_flipped_is_refused(
    key: SigningKey, trust: TrustStore, version: Version, content: PassportContent
) -> None:
    jws = make_card(key, version, content)
    text = qr_text(jws)
    # Flip the second digit of the pair of the signature's first letter from A-Y or a-y: the text still
    # decodes (the letter becomes the next one), so only the signature check can catch it.
    start = len(jws) - len(jws.rsplit(".", 1)[1])
    index = next(
        i for i in range(start, len(jws) - 1) if jws[i] in "ABCDEFGHIJKLMNOPQRSTUVWXYabcdefghijklmnopqrstuvwxy"
    )
    position = len("cp:/") + 2 * index + 1
    flipped = text[:position] + str((int(text[position]) + 1) % 10) + text[position + 1 :]
    assert flipped != text
    forged = jws_from_scan(flipped)
    assert sum(a != b for a, b in zip(forged, jws, strict=True)) == 1
    with refusal(SignatureInvalid, "signature_invalid", "does not verify"):
        Card.from_scan(flipped, trust=trust, now=NOW)


def test_card_that_inflates_past_the_cap_is_refused(key: SigningKey, trust: TrustStore) -> None:
    # A zip bomb: validly signed by a trusted key, small on the wire, past the cap once inflated.
    bomb = sign_compact(key=key, typ=CARD_TYP, claims=card_claims(pad="a" * (MAX_INFLATED_BYTES + 1)), deflate=True)
    assert len(bomb) < MAX_CARD_CHARS
    with refusal(TokenTooLarge, "token_too_large", "inflates past the size cap"):
        Card.verify(bomb, trust=trust, now=NOW)
    with refusal(TokenTooLarge, "token_too_large", "inflates past the size cap"):
        Card.from_scan(qr_text(bomb), trust=trust, now=NOW)


def test_a_token_of_another_type_is_not_amake_card(key: SigningKey, trust: TrustStore, version: Version) -> None:
    other = sign_compact(key=key, typ="cp-view+jws", claims=card_claims(), deflate=True)
    with refusal(WrongTokenType, "wrong_token_type", re.escape(CARD_TYP)):
        Card.verify(other, trust=trust, now=NOW)
    # Nor is a passport version's issuer-signed JWT, though the same key signed it.
    with refusal(WrongTokenType, "wrong_token_type", re.escape(CARD_TYP)):
        Card.verify(version.sd_jwt.issuer_jwt, trust=trust, now=NOW)


def test_valid_hand_made_claims_verify(key: SigningKey, trust: TrustStore) -> None:
    # The control for the refusals below: the same signing, with nothing changed.
    card = Card.verify(sign_compact(key=key, typ=CARD_TYP, claims=card_claims(), deflate=True), trust=trust, now=NOW)
    assert card.alerts == (Alert("er", "Easy read"),)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"pid": str(uuid.uuid4())}, "passport id"),
        ({"pid": b64url_encode(uuid.uuid1().bytes)}, "UUID version 4"),
        ({"ver": 0}, "version number"),
        ({"ver": True}, "ver is not an integer"),
        ({"vd": "abc"}, "digest"),
        ({"exp": NOW - 1}, "expires before"),
        ({"nm": ""}, "name"),
        ({"no": "12345"}, "NOMS"),
        ({"dob": "1949-02-30"}, "date of birth"),
        ({"al": "er:Easy read"}, "alerts"),
        ({"al": ["Easy read"]}, "code:text"),
        ({"al": ["er:" + "x" * 40]}, "at most 32"),
        ({"al": ["er:Easy\nread"]}, "short line"),
        ({"extra": 1}, "claims"),
        ({"vd": None}, "claims"),
    ],
)
def test_card_with_malformed_claims_is_refused(
    key: SigningKey, trust: TrustStore, changes: dict[str, Any], match: str
) -> None:
    jws = sign_compact(key=key, typ=CARD_TYP, claims=card_claims(**changes), deflate=True)
    with refusal(MalformedToken, "malformed_token", match):
        Card.verify(jws, trust=trust, now=NOW)


def test_card_longer_than_a_qr_code_is_refused(trust: TrustStore) -> None:
    with refusal(TokenTooLarge, "token_too_large", "longer than one QR code"):
        Card.verify("a" * 2000 + ".b.c", trust=trust, now=NOW)


def test_a_card_that_claims_to_live_longer_than_any_card_is_refused(
    key: SigningKey, trust: TrustStore, reference: dict[str, Any]
) -> None:
    """A key later revoked could otherwise mint backdated cards that never expire."""
    jws = issue_card(
        key=key,
        issuer=WYMOTT,
        pid=str(uuid.uuid4()),
        ver=1,
        digest="A" * 43,
        content=parse_content(reference),
        now=NOW,
    )
    claims = parse_json(inflate_deflated(b64url_decode(jws.split(".")[1])))
    assert Card.verify(jws, trust=trust, now=NOW).ver == 1
    forever = sign_compact(key=key, typ=CARD_TYP, claims=claims | {"exp": NOW + MAX_TTL_SECONDS + 10}, deflate=True)
    with pytest.raises(MalformedToken, match="longer life"):
        Card.verify(forever, trust=trust, now=NOW)
