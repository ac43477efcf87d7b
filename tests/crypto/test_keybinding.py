"""The Key Binding JWT (RFC 9901 s.4.3, s.7.3): a view is bound to one recipient, one nonce, one set of
disclosures and a window of time, and cannot be replayed to another recipient or altered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crypto import (
    KB_JWT_TYP,
    Disclosure,
    KeyBindingPolicy,
    SdJwt,
    SigningKey,
    TrustStore,
    issue_sd_jwt,
    present_sd_jwt,
    sd_digest,
    verify_sd_jwt,
)
from schemas.errors import (
    KeyBindingInvalid,
)
from tests.crypto.forge import NOW, refusal, signed
from tests.crypto.sdjwts import AUDIENCE, CONCEALED, NONCE, VISIBLE, chosen, find, view, with_disclosures


def test_a_view_for_another_recipient_is_refused(issued: SdJwt, holder_key: SigningKey, trust: TrustStore) -> None:
    """A view made for org-c cannot be replayed to org-b."""
    presented = view(issued, holder_key, audience="org-c")
    with refusal(KeyBindingInvalid, "key_binding_invalid", "different recipient"):
        verify_sd_jwt(presented.serialize(), trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE), now=NOW)


def test_a_view_with_the_wrong_nonce_is_refused(issued: SdJwt, holder_key: SigningKey, trust: TrustStore) -> None:
    """When the recipient asked for a nonce, a view made with another one is refused."""
    presented = view(issued, holder_key)
    with refusal(KeyBindingInvalid, "key_binding_invalid", "wrong nonce"):
        verify_sd_jwt(
            presented.serialize(),
            trust=trust,
            key_binding=KeyBindingPolicy(audience=AUDIENCE, nonce="another nonce"),
            now=NOW,
        )


def test_a_view_older_than_its_window_is_refused(issued: SdJwt, holder_key: SigningKey, trust: TrustStore) -> None:
    """RFC 9901 s.7.3: the Key Binding JWT's iat must be within an acceptable window."""
    old = present_sd_jwt(
        issued, disclosures=issued.disclosures, key=holder_key, audience=AUDIENCE, nonce="n", iat=NOW - 3600
    )
    policy = KeyBindingPolicy(audience=AUDIENCE, max_age=600)
    with pytest.raises(KeyBindingInvalid, match="older than"):
        verify_sd_jwt(old, trust=trust, key_binding=policy, now=NOW)
    assert verify_sd_jwt(old, trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE), now=NOW).claims


Change = Callable[[SdJwt, SdJwt], list[Disclosure]]


def add_one(issued: SdJwt, presented: SdJwt) -> list[Disclosure]:
    return [*presented.disclosures, find(issued, name="contacts")]


def drop_first(issued: SdJwt, presented: SdJwt) -> list[Disclosure]:
    return list(presented.disclosures[1:])


def reorder(issued: SdJwt, presented: SdJwt) -> list[Disclosure]:
    return list(reversed(presented.disclosures))


@pytest.mark.parametrize("change", [add_one, drop_first, reorder], ids=["added", "removed", "reordered"])
def test_a_view_changed_after_key_binding_is_refused(
    issued: SdJwt, holder_key: SigningKey, trust: TrustStore, change: Change
) -> None:
    """The KB-JWT covers exactly the disclosures presented: adding, removing or reordering breaks it."""
    presented = view(issued, holder_key)
    changed = SdJwt(issuer_jwt=issued.issuer_jwt, disclosures=tuple(change(issued, presented)), kb_jwt=presented.kb_jwt)
    with refusal(KeyBindingInvalid, "key_binding_invalid", "different set of disclosures"):
        verify_sd_jwt(changed.serialize(), trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE), now=NOW)


def test_a_view_signed_by_another_key_is_refused(issued: SdJwt, stranger_key: SigningKey, trust: TrustStore) -> None:
    """Only the holder named in ``cnf`` can make a view (RFC 7800)."""
    presented = view(issued, stranger_key)
    with refusal(KeyBindingInvalid, "key_binding_invalid", r"does not verify \(signature_invalid\)"):
        verify_sd_jwt(presented.serialize(), trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE), now=NOW)


def test_a_view_is_not_accepted_as_a_version(issued: SdJwt, holder_key: SigningKey, trust: TrustStore) -> None:
    """Where no key binding is expected, a presentation carrying a KB-JWT is refused."""
    presented = view(issued, holder_key)
    with refusal(KeyBindingInvalid, "key_binding_invalid", "not expected here"):
        verify_sd_jwt(presented.serialize(), trust=trust, now=NOW)


def test_a_version_is_not_accepted_as_a_view(issued: SdJwt, trust: TrustStore) -> None:
    """Where key binding is required, an SD-JWT without a KB-JWT is refused."""
    with refusal(KeyBindingInvalid, "key_binding_invalid", "is required"):
        verify_sd_jwt(issued.serialize(), trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE), now=NOW)


def test_a_view_of_an_unbound_sd_jwt_is_refused(
    issuer_key: SigningKey, holder_key: SigningKey, trust: TrustStore
) -> None:
    """An SD-JWT issued without ``cnf`` names no holder, so no view of it can be bound."""
    unbound = issue_sd_jwt(key=issuer_key, visible=VISIBLE, concealed=CONCEALED)
    presented = present_sd_jwt(unbound, disclosures=[], key=holder_key, audience=AUDIENCE, nonce=NONCE, iat=NOW)
    with refusal(KeyBindingInvalid, "key_binding_invalid", "names no key"):
        verify_sd_jwt(presented.serialize(), trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE), now=NOW)


def test_a_view_dated_in_the_future_is_refused(issued: SdJwt, holder_key: SigningKey, trust: TrustStore) -> None:
    """A KB-JWT dated beyond the allowed clock skew was not made by an honest clock."""
    presented = present_sd_jwt(
        issued, disclosures=chosen(issued), key=holder_key, audience=AUDIENCE, nonce=NONCE, iat=NOW + 3600
    )
    with refusal(KeyBindingInvalid, "key_binding_invalid", "no valid issue time"):
        verify_sd_jwt(presented.serialize(), trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE), now=NOW)


def hand_kb(issued: SdJwt, key: SigningKey, header: dict[str, Any], **changes: Any) -> str:
    """A presentation of all of ``issued`` with a hand-built KB-JWT."""
    prefix = with_disclosures(issued, [d.encoded for d in issued.disclosures])
    payload = {"iat": NOW, "aud": AUDIENCE, "nonce": NONCE, "sd_hash": sd_digest(prefix), **changes}
    return prefix + signed(key, header, {k: v for k, v in payload.items() if v is not None})


def test_a_hand_built_kb_jwt_verifies(issued: SdJwt, holder_key: SigningKey, trust: TrustStore) -> None:
    """A KB-JWT made by hand to RFC 9901 s.4.3 is accepted: the refusals below are not false alarms."""
    text = hand_kb(issued, holder_key, {"alg": "ES256", "typ": KB_JWT_TYP})
    assert verify_sd_jwt(text, trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE), now=NOW).key_binding


@pytest.mark.parametrize(
    ("header", "changes", "match"),
    [
        ({"alg": "ES256", "typ": "JWT"}, {}, r"\(wrong_token_type\)"),
        ({"alg": "ES256"}, {}, r"\(wrong_token_type\)"),
        ({"alg": "none", "typ": KB_JWT_TYP}, {}, r"\(algorithm_not_allowed\)"),
        ({"alg": "HS256", "typ": KB_JWT_TYP}, {}, r"\(algorithm_not_allowed\)"),
        ({"alg": "ES256", "typ": KB_JWT_TYP}, {"sd_hash": None}, "different set of disclosures"),
        ({"alg": "ES256", "typ": KB_JWT_TYP}, {"aud": [AUDIENCE]}, "different recipient"),
        ({"alg": "ES256", "typ": KB_JWT_TYP}, {"nonce": None}, "wrong nonce"),
        ({"alg": "ES256", "typ": KB_JWT_TYP}, {"nonce": 1}, "wrong nonce"),
        ({"alg": "ES256", "typ": KB_JWT_TYP}, {"iat": None}, "no valid issue time"),
        ({"alg": "ES256", "typ": KB_JWT_TYP}, {"iat": True}, "no valid issue time"),
        ({"alg": "ES256", "typ": KB_JWT_TYP}, {"iat": str(NOW)}, "no valid issue time"),
    ],
    ids=[
        "typ-JWT",
        "no-typ",
        "alg-none",
        "alg-HS256",
        "no-sd_hash",
        "aud-list",
        "no-nonce",
        "nonce-number",
        "no-iat",
        "iat-bool",
        "iat-string",
    ],
)
def test_a_malformed_kb_jwt_is_refused(
    issued: SdJwt,
    holder_key: SigningKey,
    trust: TrustStore,
    header: dict[str, Any],
    changes: dict[str, Any],
    match: str,
) -> None:
    """A KB-JWT must be ES256, typed kb+jwt, and carry sd_hash, aud, nonce and iat (RFC 9901 s.4.3)."""
    text = hand_kb(issued, holder_key, header, **changes)
    with refusal(KeyBindingInvalid, "key_binding_invalid", match):
        verify_sd_jwt(text, trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE), now=NOW)
