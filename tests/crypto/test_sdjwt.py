"""SD-JWT (RFC 9901): issue, present a subset bound to one recipient, verify, and every refusal.

What a person relies on: a recipient learns only the sections and items the person chose to
show; nothing can be added that the issuer did not sign; a view made for one recipient (or for
one set of disclosures) cannot be replayed to another or altered; and a view cannot pass as a
full version, nor a version as a view.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from crypto import (
    SD_JWT_TYP,
    Disclosure,
    KeyBindingPolicy,
    SdJwt,
    SigningKey,
    TrustStore,
    issue_sd_jwt,
    present_sd_jwt,
    sd_digest,
    sign_compact,
    verify_sd_jwt,
)
from crypto.sdjwt import MAX_DISCLOSURE_CHARS, MAX_DISCLOSURES, MAX_SD_JWT_CHARS
from schemas.errors import (
    DisclosureInvalid,
    MalformedToken,
    TokenTooLarge,
    UnknownKey,
    WrongTokenType,
)
from tests.crypto.forge import NOW, ORG, b64, claims, json_bytes, refusal, unb64
from tests.crypto.sdjwts import (
    AUDIENCE,
    CONCEALED,
    DISCLOSURE_COUNT,
    NONCE,
    VISIBLE,
    find,
    view,
    with_disclosures,
)

# --- issue and verify ----------------------------------------------------------------------


def test_issue_and_verify_round_trip(issued: SdJwt, holder_key: SigningKey, trust: TrustStore) -> None:
    """With every disclosure, the verifier rebuilds exactly the claims that were issued, list order kept."""
    text = issued.serialize()
    assert text.endswith("~")
    verified = verify_sd_jwt(text, trust=trust, now=NOW)
    assert verified.issuer == ORG
    assert verified.header["typ"] == SD_JWT_TYP
    assert verified.claims == {**VISIBLE, **CONCEALED, "cnf": {"jwk": holder_key.public.thumbprint_members()}}
    assert verified.key_binding is None
    assert len(verified.disclosures) == DISCLOSURE_COUNT
    assert verify_sd_jwt(issued, trust=trust, now=NOW).claims == verified.claims


def test_the_payload_hides_what_is_concealed(issued: SdJwt, trust: TrustStore) -> None:
    """Without disclosures, only the visible claims (and the holder key) can be read."""
    verified = verify_sd_jwt(with_disclosures(issued, []), trust=trust, now=NOW)
    assert set(verified.claims) == {*VISIBLE, "cnf"}
    signed_text = json.dumps(verified.payload)
    for secret in ("Ann Example", "salbutamol", "penicillin", "Dr Example", "medications"):
        assert secret not in signed_text


def test_an_sd_jwt_parses_back_to_itself(issued: SdJwt) -> None:
    """The compact form round-trips through :meth:`SdJwt.parse`."""
    parsed = SdJwt.parse(issued.serialize())
    assert parsed.serialize() == issued.serialize()
    assert parsed.issuer_jwt == issued.issuer_jwt
    assert [(d.encoded, d.salt, d.name, d.value, d.digest) for d in parsed.disclosures] == [
        (d.encoded, d.salt, d.name, d.value, d.digest) for d in issued.disclosures
    ]
    assert issued.issuer_jwt_digest == sd_digest(issued.issuer_jwt)


def test_salts_have_at_least_128_bits(issued: SdJwt) -> None:
    """Every disclosure's salt decodes to at least 16 random bytes (RFC 9901 s.9.3), all different."""
    salts = []
    for disclosure in issued.disclosures:
        array = json.loads(unb64(disclosure.encoded))
        assert array[0] == disclosure.salt
        assert len(unb64(array[0])) >= 16
        salts.append(array[0])
    assert len(set(salts)) == len(salts)


def test_decoy_digests_hide_the_number_of_claims_and_items(issued: SdJwt, trust: TrustStore) -> None:
    """There are more digests than disclosures, at the top level and in each list (RFC 9901 s.4.2.5)."""
    payload = verify_sd_jwt(issued, trust=trust, now=NOW).payload
    top_level = [d for d in issued.disclosures if d.name is not None]
    assert len(payload["_sd"]) > len(top_level)
    assert payload["_sd"] == sorted(payload["_sd"])
    medications = find(issued, name="medications").value
    assert len(medications) > len(CONCEALED["medications"])
    assert all(set(item) == {"..."} for item in medications)


def test_issue_refuses_a_claim_both_visible_and_concealed(issuer_key: SigningKey) -> None:
    """A claim cannot be both in the clear and concealed, nor use a reserved name."""
    clashes: list[dict[str, Any]] = [{"name": "x"}, {"_sd": []}, {"cnf": {}}]
    for visible in clashes:
        with pytest.raises(ValueError, match="visible and concealed or reserved"):
            issue_sd_jwt(key=issuer_key, visible={**VISIBLE, **visible}, concealed=CONCEALED)


# --- present a subset with key binding -------------------------------------------------------


def test_a_view_reveals_only_the_chosen_subset(issued: SdJwt, holder_key: SigningKey, trust: TrustStore) -> None:
    """A view with the name and one medication shows those and nothing else, bound to its recipient."""
    presented = view(issued, holder_key)
    text = presented.serialize()
    assert not text.endswith("~")  # the KB-JWT is the last part
    verified = verify_sd_jwt(text, trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE, nonce=NONCE), now=NOW)
    assert verified.claims == {
        **VISIBLE,
        "cnf": {"jwk": holder_key.public.thumbprint_members()},
        "name": "Ann Example",
        "medications": [{"drug": "sertraline", "dose": "50 mg"}],
    }
    assert verified.key_binding is not None
    assert verified.key_binding["aud"] == AUDIENCE
    assert verified.key_binding["nonce"] == NONCE
    assert verified.key_binding["sd_hash"] == sd_digest(presented.presentation_prefix())
    assert verify_sd_jwt(text, trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE), now=NOW)


def test_a_view_may_show_a_section_with_none_of_its_items(
    issued: SdJwt, holder_key: SigningKey, trust: TrustStore
) -> None:
    """Revealing a list section without its items shows an empty list."""
    presented = present_sd_jwt(
        issued, disclosures=[find(issued, name="allergies")], key=holder_key, audience=AUDIENCE, nonce=NONCE, iat=NOW
    )
    verified = verify_sd_jwt(
        presented.serialize(), trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE), now=NOW
    )
    assert verified.claims["allergies"] == []


def test_an_item_without_its_section_is_refused(issued: SdJwt, holder_key: SigningKey, trust: TrustStore) -> None:
    """An item whose list was not revealed is referenced by nothing, so it is refused (RFC 9901 s.7.1)."""
    item = find(issued, value="penicillin")
    presented = present_sd_jwt(issued, disclosures=[item], key=holder_key, audience=AUDIENCE, nonce=NONCE, iat=NOW)
    with refusal(DisclosureInvalid, "disclosure_invalid", "not referenced"):
        verify_sd_jwt(presented.serialize(), trust=trust, key_binding=KeyBindingPolicy(audience=AUDIENCE), now=NOW)


def test_present_refuses_a_disclosure_of_another_sd_jwt(issued: SdJwt, holder_key: SigningKey) -> None:
    """A holder's own tools will not put a foreign disclosure into a view."""
    with refusal(DisclosureInvalid, "disclosure_invalid", "only reveal disclosures"):
        present_sd_jwt(
            issued,
            disclosures=[Disclosure.make(name="name", value="Someone Else")],
            key=holder_key,
            audience=AUDIENCE,
            nonce=NONCE,
            iat=NOW,
        )


# --- disclosures must have been signed -------------------------------------------------------


def flip_salt_character(encoded: str) -> str:
    """The same disclosure with one character of its salt changed: still well-formed, but never signed."""
    array = json.loads(unb64(encoded))
    array[0] = ("B" if array[0][0] == "A" else "A") + array[0][1:]
    return b64(json.dumps(array, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


@pytest.mark.parametrize("index", range(DISCLOSURE_COUNT))
def test_a_changed_disclosure_is_refused(issued: SdJwt, trust: TrustStore, index: int) -> None:
    """Changing one character of any disclosure changes its digest, which the issuer never signed."""
    parts = [d.encoded for d in issued.disclosures]
    parts[index] = flip_salt_character(parts[index])
    assert parts[index] != issued.disclosures[index].encoded
    with refusal(DisclosureInvalid, "disclosure_invalid", "not referenced by the signed payload"):
        verify_sd_jwt(with_disclosures(issued, parts), trust=trust, now=NOW)


@pytest.mark.parametrize("index", range(DISCLOSURE_COUNT))
def test_a_corrupted_disclosure_is_refused(issued: SdJwt, trust: TrustStore, index: int) -> None:
    """One base64url character of any disclosure replaced: refused, whether or not it still decodes."""
    parts = [d.encoded for d in issued.disclosures]
    middle = len(parts[index]) // 2
    replacement = "A" if parts[index][middle] != "A" else "B"
    parts[index] = parts[index][:middle] + replacement + parts[index][middle + 1 :]
    with pytest.raises(DisclosureInvalid):
        verify_sd_jwt(with_disclosures(issued, parts), trust=trust, now=NOW)


def test_an_unsigned_disclosure_is_refused(issued: SdJwt, trust: TrustStore) -> None:
    """A well-made disclosure the issuer never signed cannot be slipped in."""
    forged = Disclosure.make(name="allergies", value=[])
    parts = [d.encoded for d in issued.disclosures if d.name != "allergies"] + [forged.encoded]
    with refusal(DisclosureInvalid, "disclosure_invalid", "not referenced by the signed payload"):
        verify_sd_jwt(with_disclosures(issued, parts), trust=trust, now=NOW)


def test_an_unsigned_array_item_is_refused(issued: SdJwt, trust: TrustStore) -> None:
    """An extra list item the issuer never signed cannot be slipped into a revealed list."""
    forged = Disclosure.make(value="an extra drug")
    parts = [*(d.encoded for d in issued.disclosures), forged.encoded]
    with refusal(DisclosureInvalid, "disclosure_invalid", "not referenced by the signed payload"):
        verify_sd_jwt(with_disclosures(issued, parts), trust=trust, now=NOW)


def test_a_repeated_disclosure_is_refused(issued: SdJwt, trust: TrustStore) -> None:
    """The same disclosure twice is refused (RFC 9901 s.7.1)."""
    name = find(issued, name="name").encoded
    with refusal(DisclosureInvalid, "disclosure_invalid", "repeated"):
        verify_sd_jwt(with_disclosures(issued, [name, name]), trust=trust, now=NOW)


@pytest.mark.parametrize(
    ("array", "match"),
    [
        (["c2FsdA", "_sd", "x"], "invalid claim name"),
        (["c2FsdA", "...", "x"], "invalid claim name"),
        (["c2FsdA", "_sd_alg", "x"], "invalid claim name"),
        (["c2FsdA", 7, "x"], "invalid claim name"),
        (["c2FsdA"], r"not a \[salt, \(name,\) value\] array"),
        (["c2FsdA", "a", "b", "c"], r"not a \[salt, \(name,\) value\] array"),
        ([7, "a", "b"], r"not a \[salt, \(name,\) value\] array"),
        ({"salt": "c2FsdA"}, r"not a \[salt, \(name,\) value\] array"),
    ],
    ids=["name-_sd", "name-dots", "name-_sd_alg", "name-number", "short", "long", "salt-number", "object"],
)
def test_a_malformed_disclosure_is_refused(issued: SdJwt, trust: TrustStore, array: object, match: str) -> None:
    """A disclosure must be ``[salt, name, value]`` or ``[salt, value]`` with a permitted name (RFC 9901 s.4.2)."""
    with refusal(DisclosureInvalid, "disclosure_invalid", match):
        verify_sd_jwt(with_disclosures(issued, [b64(json_bytes(array))]), trust=trust, now=NOW)


@pytest.mark.parametrize("part", ["not base64!", "AAAA", b64(b"\xff\xfe"), "e30="])
def test_a_disclosure_that_is_not_base64url_json_is_refused(issued: SdJwt, trust: TrustStore, part: str) -> None:
    """A disclosure must be base64url-encoded JSON."""
    with refusal(DisclosureInvalid, "disclosure_invalid", "not base64url JSON|not a \\[salt"):
        verify_sd_jwt(with_disclosures(issued, [part]), trust=trust, now=NOW)


def test_an_empty_disclosure_is_refused(issued: SdJwt, trust: TrustStore) -> None:
    """``~~`` inside an SD-JWT is malformed."""
    with refusal(MalformedToken, "malformed_token", "empty disclosure"):
        verify_sd_jwt(with_disclosures(issued, [issued.disclosures[0].encoded, ""]), trust=trust, now=NOW)


def test_a_text_without_a_tilde_is_refused(issued: SdJwt, trust: TrustStore) -> None:
    """A bare JWT is not an SD-JWT."""
    with refusal(MalformedToken, "malformed_token", "no '~' separator"):
        verify_sd_jwt(issued.issuer_jwt, trust=trust, now=NOW)


# --- the issuer-signed JWT ------------------------------------------------------------------


@pytest.mark.parametrize("sd_alg", ["sha-512", "SHA-256", "sha256", "", 256, None])
def test_a_digest_algorithm_other_than_sha256_is_refused(
    issuer_key: SigningKey, trust: TrustStore, sd_alg: object
) -> None:
    """Only sha-256 digests are accepted; any other ``_sd_alg`` value is refused."""
    jwt = sign_compact(key=issuer_key, typ=SD_JWT_TYP, claims=claims(_sd=[], _sd_alg=sd_alg))
    with refusal(DisclosureInvalid, "disclosure_invalid", "does not use sha-256"):
        verify_sd_jwt(f"{jwt}~", trust=trust, now=NOW)


def test_an_sd_jwt_of_another_type_is_refused(issuer_key: SigningKey, trust: TrustStore) -> None:
    """An SD-JWT signed with another ``typ`` is not accepted as ours (RFC 8725 s.3.11)."""
    sd_jwt = issue_sd_jwt(key=issuer_key, visible=VISIBLE, concealed=CONCEALED, typ="example+sd-jwt")
    with refusal(WrongTokenType, "wrong_token_type", "expected a token of type"):
        verify_sd_jwt(sd_jwt.serialize(), trust=trust, now=NOW)


def test_an_sd_jwt_from_an_untrusted_key_is_refused(stranger_key: SigningKey, trust: TrustStore) -> None:
    """A well-formed SD-JWT signed by a key the store does not know is refused."""
    sd_jwt = issue_sd_jwt(key=stranger_key, visible=VISIBLE, concealed=CONCEALED)
    with refusal(UnknownKey, "unknown_key", "not trusted here"):
        verify_sd_jwt(sd_jwt.serialize(), trust=trust, now=NOW)


def test_a_digest_used_twice_in_the_payload_is_refused(issuer_key: SigningKey, trust: TrustStore) -> None:
    """A signed payload naming one digest in two places is refused (RFC 9901 s.7.1)."""
    disclosure = Disclosure.make(name="name", value="Ann")
    payload = claims(_sd=[disclosure.digest], nested={"_sd": [disclosure.digest]}, _sd_alg="sha-256")
    jwt = sign_compact(key=issuer_key, typ=SD_JWT_TYP, claims=payload)
    with refusal(DisclosureInvalid, "disclosure_invalid", "more than once"):
        verify_sd_jwt(f"{jwt}~{disclosure.encoded}~", trust=trust, now=NOW)


def test_a_disclosed_name_that_is_already_present_is_refused(issuer_key: SigningKey, trust: TrustStore) -> None:
    """A disclosure may not overwrite a claim that is in the clear (RFC 9901 s.7.1)."""
    disclosure = Disclosure.make(name="pid", value="p-2")
    payload = claims(pid="p-1", _sd=[disclosure.digest], _sd_alg="sha-256")
    jwt = sign_compact(key=issuer_key, typ=SD_JWT_TYP, claims=payload)
    with refusal(DisclosureInvalid, "disclosure_invalid", "already present"):
        verify_sd_jwt(f"{jwt}~{disclosure.encoded}~", trust=trust, now=NOW)


def test_disclosures_in_the_wrong_place_are_refused(issuer_key: SigningKey, trust: TrustStore) -> None:
    """An item disclosure referenced from ``_sd``, or a named one from an array, is refused."""
    item = Disclosure.make(value="x")
    jwt = sign_compact(key=issuer_key, typ=SD_JWT_TYP, claims=claims(_sd=[item.digest], _sd_alg="sha-256"))
    with refusal(DisclosureInvalid, "disclosure_invalid", "array-item disclosure is referenced from an object"):
        verify_sd_jwt(f"{jwt}~{item.encoded}~", trust=trust, now=NOW)
    named = Disclosure.make(name="x", value="y")
    jwt = sign_compact(key=issuer_key, typ=SD_JWT_TYP, claims=claims(list=[{"...": named.digest}], _sd_alg="sha-256"))
    with refusal(DisclosureInvalid, "disclosure_invalid", "object-property disclosure is referenced from an array"):
        verify_sd_jwt(f"{jwt}~{named.encoded}~", trust=trust, now=NOW)


# --- size caps --------------------------------------------------------------------------------


def test_too_many_disclosures_are_refused(issued: SdJwt, trust: TrustStore) -> None:
    """More than MAX_DISCLOSURES disclosures are refused before any is decoded."""
    text = with_disclosures(issued, ["e30"] * (MAX_DISCLOSURES + 1))
    with refusal(TokenTooLarge, "token_too_large", "more disclosures than allowed"):
        verify_sd_jwt(text, trust=trust, now=NOW)


def test_an_oversize_disclosure_is_refused(issued: SdJwt, trust: TrustStore) -> None:
    """A disclosure longer than MAX_DISCLOSURE_CHARS is refused before it is decoded."""
    big = b64(json_bytes(["c2FsdA", "notes", "x" * MAX_DISCLOSURE_CHARS]))
    with refusal(TokenTooLarge, "token_too_large", "disclosure is larger"):
        verify_sd_jwt(with_disclosures(issued, [big]), trust=trust, now=NOW)


def test_an_oversize_sd_jwt_is_refused(issued: SdJwt, trust: TrustStore) -> None:
    """An SD-JWT longer than MAX_SD_JWT_CHARS is refused before it is split."""
    text = with_disclosures(issued, ["A" * (MAX_DISCLOSURE_CHARS - 1)] * (MAX_SD_JWT_CHARS // MAX_DISCLOSURE_CHARS + 1))
    with refusal(TokenTooLarge, "token_too_large", "SD-JWT is larger"):
        verify_sd_jwt(text, trust=trust, now=NOW)
