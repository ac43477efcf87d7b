"""Every code a release page shows has plain words: the kinds of release, the council's steps and the reasons a
release is late (no code reaches a page as a raw identifier); delivery and verification failures say something
plain even for a code they do not know."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from api.pages.authority.words import not_delivered, not_verified
from api.pages.staff.words import WORDS
from schemas import AuthorityStep, LateReason, ReleaseType


@pytest.mark.parametrize(
    ("kind", "codes"), [("release_type", ReleaseType), ("authority_step", AuthorityStep), ("late_reason", LateReason)]
)
def test_every_release_code_has_plain_words(kind: str, codes: Any) -> None:
    """Each code of each Literal, and nothing else."""
    assert set(get_args(codes)) == set(WORDS[kind])


def test_failures_are_said_in_words_never_as_codes() -> None:
    """A known code has its own words; an unknown one a general sentence, never the code itself."""
    assert not_delivered("configuration_error") == "the other organisation's service could not be reached"
    assert not_delivered("http_503") == "the other organisation's service had a problem"
    assert "weird_code" not in not_delivered("weird_code")
    assert not_verified("key_revoked") == "the key the prison signed it with has been withdrawn since"
    assert "weird_code" not in not_verified("weird_code")
