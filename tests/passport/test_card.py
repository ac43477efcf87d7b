"""The card: it fits one QR code, holds exactly what the reception_card consent permits, and refuses forgeries."""

from __future__ import annotations

import copy
import random
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
    DEFAULT_TTL_SECONDS,
    MAX_ALERTS,
    MAX_TTL_SECONDS,
    Alert,
    Card,
    card_alerts,
    issue_card,
    unsafe_claimed_issuer,
)
from passport.core.qr import jws_from_scan, qr_text, qr_version
from passport.core.versions import Version, issue_version
from schemas import PassportContent, parse_content
from schemas.errors import (
    InvalidRequest,
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

NOW = 1_800_000_000  # 2027-01-15: a fixed "now", so no test depends on the clock
WYMOTT = "prison:WYI"
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


@pytest.fixture(scope="module")
def key() -> SigningKey:
    """Wymott's signing key."""
    return SigningKey.generate()


@pytest.fixture(scope="module")
def trust(key: SigningKey) -> TrustStore:
    """A trust store that knows Wymott's key."""
    return TrustStore.of([TrustedKey(WYMOTT, key.public)])


@pytest.fixture
def content(reference: dict[str, Any]) -> PassportContent:
    """The reference passport content."""
    return parse_content(reference)


@pytest.fixture
def version(key: SigningKey, content: PassportContent) -> Version:
    """Version 1 of the reference passport: the card summarises it."""
    return issue_version(key=key, issuer=WYMOTT, pid=str(uuid.uuid4()), ver=1, prev=None, content=content, iat=NOW)


def _card(key: SigningKey, version: Version, content: PassportContent, **extra: Any) -> str:
    return issue_card(
        key=key,
        issuer=WYMOTT,
        pid=version.pid,
        ver=version.ver,
        digest=version.digest,
        content=content,
        now=extra.pop("now", NOW),
        **extra,
    )


def _alerts(reference: dict[str, Any]) -> tuple[Alert, ...]:
    return card_alerts(parse_content(reference))


def _claims(**changes: Any) -> dict[str, Any]:
    """Valid card claims, with ``changes`` (a value of None drops the claim)."""
    claims: dict[str, Any] = {
        "iss": WYMOTT,
        "iat": NOW,
        "exp": NOW + 3600,
        "pid": b64url_encode(uuid.uuid4().bytes),
        "ver": 1,
        "vd": b64url_encode(bytes(32)),
        "nm": "Arthur Whitfield",
        "no": "A4821KD",
        "dob": "1949-04-17",
        "al": ["er:Easy read"],
    }
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


# -- size -------------------------------------------------------------------------------------------------------


def test_reference_card_fits_qr_version_22(key: SigningKey, version: Version, content: PassportContent) -> None:
    jws = _card(key, version, content)
    qr = qr_version(jws)
    print(f"\nreference card: JWS of {len(jws)} characters, QR version {qr} at level Q")
    assert len(jws) <= MAX_CARD_CHARS
    assert qr <= MAX_QR_VERSION


def test_card_is_a_deflated_es256_jws_of_its_own_type(
    key: SigningKey, trust: TrustStore, version: Version, content: PassportContent
) -> None:
    verified = trust.verify(_card(key, version, content), typ=CARD_TYP, inflate=True)
    assert verified.header == {"alg": "ES256", "typ": CARD_TYP, "kid": key.kid, "zip": "DEF"}
    # Short claim names only: nothing on the card but what the module docstring lists.
    assert set(verified.claims) == {"iss", "iat", "exp", "pid", "ver", "vd", "nm", "no", "dob", "al"}
    assert len(verified.claims["pid"]) == 22


# -- what the card says -----------------------------------------------------------------------------------------


def test_card_verifies_to_what_it_summarises(
    key: SigningKey, trust: TrustStore, version: Version, content: PassportContent
) -> None:
    jws = _card(key, version, content)
    card = Card.verify(jws, trust=trust, now=NOW)
    assert (card.issuer, card.kid, card.pid, card.ver, card.digest) == (
        WYMOTT,
        key.kid,
        version.pid,
        1,
        version.digest,
    )
    assert (card.issued_at, card.expires_at) == (NOW, NOW + DEFAULT_TTL_SECONDS)
    assert (card.name, card.noms, card.date_of_birth) == ("Arthur Whitfield", "A4821KD", "1949-04-17")
    assert card.alerts == REFERENCE_ALERTS
    assert card.serialize() == jws
    # Personal data stays out of logs that print a card.
    assert "Arthur" not in repr(card)
    assert "A4821KD" not in repr(card)


def test_card_holds_exactly_the_permitted_alerts(reference: dict[str, Any]) -> None:
    alerts = _alerts(reference)
    assert alerts == REFERENCE_ALERTS
    # n5 (cognition) is withheld from the card; nothing comes from about_me, services or any other section.
    assert "cog" not in {alert.code for alert in alerts}
    assert not any("dementia" in alert.text.lower() or "memory" in alert.text.lower() for alert in alerts)
    # Equipment that stays in the prison (the pager, the shower seat) is not on the card.
    assert not any("pager" in alert.text.lower() or "shower" in alert.text.lower() for alert in alerts)


def test_card_without_consent_has_no_alerts(
    key: SigningKey, trust: TrustStore, version: Version, reference: dict[str, Any]
) -> None:
    nothing = copy.deepcopy(reference)
    nothing["consent"]["audiences"]["reception_card"] = {"permit": []}
    assert _alerts(nothing) == ()
    absent = copy.deepcopy(reference)
    del absent["consent"]["audiences"]["reception_card"]
    card = Card.verify(_card(key, version, parse_content(absent)), trust=trust, now=NOW)
    assert card.alerts == ()
    assert card.name == "Arthur Whitfield"  # the display identifiers are on every card


def test_withheld_equipment_is_not_on_the_card(reference: dict[str, Any]) -> None:
    reference["consent"]["audiences"]["reception_card"]["withhold_items"] = ["n5", "e1"]
    alerts = _alerts(reference)
    assert Alert("eq", "Self-propelled wheelchair") not in alerts
    assert alerts == tuple(a for a in REFERENCE_ALERTS if a != Alert("eq", "Self-propelled wheelchair"))


def test_only_permitted_sections_give_alerts(reference: dict[str, Any]) -> None:
    reference["consent"]["audiences"]["reception_card"]["permit"] = ["equipment", "about_me", "services"]
    assert {alert.code for alert in _alerts(reference)} == {"eq"}
    reference["consent"]["withdrawals"] = [
        {
            "audience": "reception_card",
            "section": "equipment",
            "withdrawn_at": "2025-06-01",
            "recorded_by": {"org": WYMOTT, "role": "care_staff"},
        }
    ]
    assert _alerts(reference) == ()


def test_only_active_needs_and_one_alert_a_domain(reference: dict[str, Any]) -> None:
    reference["needs"][1]["status"] = "resolved"  # n2, mobility
    reference["needs"][3]["domain"] = "maintaining_personal_hygiene"  # n4 now shares n1's domain
    codes = [alert.code for alert in _alerts(reference)]
    assert "mob" not in codes
    assert codes.count("hyg") == 1


def test_long_texts_are_cut_short(reference: dict[str, Any]) -> None:
    reference["equipment"][0]["item"] = "Electric wheelchair with tilt-in-space seat and headrest"
    reference["communication"]["interpreter"] = "pa-Arab-PK"
    alerts = _alerts(reference)
    assert Alert("int", "Interpreter: pa-Arab-PK") in alerts
    assert Alert("eq", "Electric wheelchair with\u2026") in alerts


def test_card_with_too_many_alerts_is_refused(key: SigningKey, version: Version, reference: dict[str, Any]) -> None:
    template = reference["equipment"][0]
    reference["equipment"] = [{**template, "id": f"x{i}", "item": f"Item {i}"} for i in range(MAX_ALERTS + 1)]
    with refusal(TokenTooLarge, "token_too_large", f"more than {MAX_ALERTS} alerts"):
        _card(key, version, parse_content(reference))


def test_card_whose_alerts_do_not_fit_one_qr_code_is_refused(
    key: SigningKey, version: Version, reference: dict[str, Any]
) -> None:
    # Item names that do not compress (random CJK characters, three bytes each in UTF-8), so that
    # fewer than MAX_ALERTS alerts still overflow a version 40 code: never chunk, refuse.
    rng = random.Random(7)
    template = reference["equipment"][0]
    reference["equipment"] = [
        {**template, "id": f"x{i}", "item": "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(28))}
        for i in range(30)
    ]
    with refusal(TokenTooLarge, "token_too_large", "too long to fit one QR code"):
        _card(key, version, parse_content(reference))


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"pid": "not-a-uuid"}, "pid"),
        ({"ver": 0}, "ver"),
        ({"digest": "abc"}, "digest"),
        ({"ttl_seconds": 0}, "ttl_seconds"),
    ],
)
def test_issue_refuses_bad_arguments(
    key: SigningKey, version: Version, content: PassportContent, changes: dict[str, Any], match: str
) -> None:
    arguments: dict[str, Any] = {"pid": version.pid, "ver": 1, "digest": version.digest} | changes
    with refusal(InvalidRequest, "invalid_request", match):
        issue_card(key=key, issuer=WYMOTT, content=content, now=NOW, **arguments)


# -- refusals ---------------------------------------------------------------------------------------------------


def test_expired_card_is_refused(
    key: SigningKey, trust: TrustStore, version: Version, content: PassportContent
) -> None:
    jws = _card(key, version, content, ttl_seconds=3600)
    expiry = NOW + 3600
    Card.verify(jws, trust=trust, now=expiry + CLOCK_SKEW_SECONDS)  # within the clock skew allowed
    with refusal(TokenExpired, "token_expired", "expired"):
        Card.verify(jws, trust=trust, now=expiry + CLOCK_SKEW_SECONDS + 1)


def test_an_expired_card_still_says_what_it_said_when_its_signature_holds(
    key: SigningKey, trust: TrustStore, version: Version, content: PassportContent
) -> None:
    """For the desk to show it marked as expired: every check but the expiry; a changed signature still fails."""
    jws = _card(key, version, content, ttl_seconds=3600)
    later = NOW + 400 * 24 * 3600
    expired = Card.unsafe_verify_expired(jws, trust=trust, now=later)
    assert (expired.pid, expired.ver, expired.alerts) == (version.pid, 1, REFERENCE_ALERTS)
    header, payload, signature = jws.split(".")
    changed = f"{header}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    with pytest.raises(SignatureInvalid):
        Card.unsafe_verify_expired(changed, trust=trust, now=later)
    with refusal(UnknownKey, "unknown_key", "not trusted"):
        Card.unsafe_verify_expired(_card(SigningKey.generate(), version, content), trust=trust, now=later)
    with refusal(TokenExpired, "token_expired", "in the future"):
        Card.unsafe_verify_expired(jws, trust=trust, now=NOW - 3600)


def test_the_issuer_a_card_claims_is_read_without_a_key(version: Version, content: PassportContent) -> None:
    """Only to say whom to call about a card from a key this deployment does not hold; junk gives None."""
    jws = _card(SigningKey.generate(), version, content)
    assert unsafe_claimed_issuer(jws) == WYMOTT
    header, _, signature = jws.split(".")
    not_an_org = sign_compact(key=SigningKey.generate(), typ=CARD_TYP, claims={"iss": "HMP Nowhere"}, deflate=True)
    wrong_type = sign_compact(key=SigningKey.generate(), typ="JWT", claims={"iss": WYMOTT}, deflate=True)
    for junk in ("", "a.b.c", f"{header}.bm90IGRlZmxhdGVk.{signature}", not_an_org, wrong_type, jws + "x" * 2000):
        assert unsafe_claimed_issuer(junk) is None


def test_card_from_the_future_is_refused(
    key: SigningKey, trust: TrustStore, version: Version, content: PassportContent
) -> None:
    jws = _card(key, version, content, now=NOW + CLOCK_SKEW_SECONDS + 1)
    with refusal(TokenExpired, "token_expired", "in the future"):
        Card.verify(jws, trust=trust, now=NOW)


def test_card_from_an_unknown_key_is_refused(trust: TrustStore, version: Version, content: PassportContent) -> None:
    jws = _card(SigningKey.generate(), version, content)
    with refusal(UnknownKey, "unknown_key", "not trusted"):
        Card.verify(jws, trust=trust, now=NOW)


def test_card_whose_key_belongs_to_another_issuer_is_refused(
    key: SigningKey, version: Version, content: PassportContent
) -> None:
    # The store trusts the key, but for Risley: a card naming Wymott as its issuer is not Wymott's.
    elsewhere = TrustStore.of([TrustedKey("prison:RSY", key.public)])
    with refusal(UntrustedIssuer, "untrusted_issuer", "does not belong"):
        Card.verify(_card(key, version, content), trust=elsewhere, now=NOW)


def test_card_signed_by_a_revoked_key_is_refused(key: SigningKey, version: Version, content: PassportContent) -> None:
    revoked = TrustStore.of([TrustedKey(WYMOTT, key.public, revoked_at=NOW)])
    with refusal(KeyRevoked, "key_revoked", "revoked"):
        Card.verify(_card(key, version, content), trust=revoked, now=NOW)
    # A card signed before the revocation still verifies.
    earlier = TrustStore.of([TrustedKey(WYMOTT, key.public, revoked_at=NOW + 1)])
    Card.verify(_card(key, version, content), trust=earlier, now=NOW)


def test_card_with_one_digit_flipped_is_refused(
    key: SigningKey, trust: TrustStore, version: Version, content: PassportContent
) -> None:
    jws = _card(key, version, content)
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
    bomb = sign_compact(key=key, typ=CARD_TYP, claims=_claims(pad="a" * (MAX_INFLATED_BYTES + 1)), deflate=True)
    assert len(bomb) < MAX_CARD_CHARS
    with refusal(TokenTooLarge, "token_too_large", "inflates past the size cap"):
        Card.verify(bomb, trust=trust, now=NOW)
    with refusal(TokenTooLarge, "token_too_large", "inflates past the size cap"):
        Card.from_scan(qr_text(bomb), trust=trust, now=NOW)


def test_a_token_of_another_type_is_not_a_card(key: SigningKey, trust: TrustStore, version: Version) -> None:
    other = sign_compact(key=key, typ="cp-view+jws", claims=_claims(), deflate=True)
    with refusal(WrongTokenType, "wrong_token_type", re.escape(CARD_TYP)):
        Card.verify(other, trust=trust, now=NOW)
    # Nor is a passport version's issuer-signed JWT, though the same key signed it.
    with refusal(WrongTokenType, "wrong_token_type", re.escape(CARD_TYP)):
        Card.verify(version.sd_jwt.issuer_jwt, trust=trust, now=NOW)


def test_valid_hand_made_claims_verify(key: SigningKey, trust: TrustStore) -> None:
    # The control for the refusals below: the same signing, with nothing changed.
    card = Card.verify(sign_compact(key=key, typ=CARD_TYP, claims=_claims(), deflate=True), trust=trust, now=NOW)
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
    jws = sign_compact(key=key, typ=CARD_TYP, claims=_claims(**changes), deflate=True)
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
