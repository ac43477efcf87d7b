"""Who may do what, checked per action and per object: the role matrix of the README, and a passport held by
another organisation that does not exist for the caller (not_found, never access_denied)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

import pytest

from passport.services.access import PERMISSIONS, Action, require, require_on, require_own
from passport.services.principals import Principal
from passport.services.storage import PassportRow
from schemas.errors import AccessDenied, NotFound
from tests.crypto.forge import refusal

WYMOTT, RISLEY = "prison:WYI", "prison:RSY"
ACTIONS: tuple[Action, ...] = get_args(Action)
STAFF: frozenset[Action] = frozenset(
    {"create", "read", "amend", "handover", "view", "override", "audit", "import", "verify", "sign_in_code", "stats"}
)
# The README's "Who may do what", written out again here so that a change to the matrix is a change to a test.
EXPECTED: dict[str, frozenset[Action]] = {
    "admin": STAFF,
    "care_staff": STAFF,
    "reception": frozenset({"read", "import", "verify", "stats"}),
    "auditor": frozenset({"audit", "verify", "stats"}),
    "authority": frozenset({"view", "verify"}),
    "peer": frozenset({"view", "verify", "pull_record", "notify"}),
    "person": frozenset({"own_consent"}),
}


def held_by(org: str) -> PassportRow:
    """A passport row held by ``org``."""
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    return PassportRow(
        pid="6f1c2b8e-3d4a-4b5c-8d6e-7f8091a2b3c4",
        holder_org=org,
        current_ver=1,
        custodian=org,
        created_at=stamp,
        updated_at=stamp,
    )


def test_the_matrix_is_the_one_the_readme_draws() -> None:
    """Every role the service knows, with exactly its actions; nobody else has any."""
    assert PERMISSIONS == EXPECTED
    assert set(ACTIONS) == set().union(*EXPECTED.values())


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("action", ACTIONS)
def test_each_role_may_do_exactly_its_actions(role: str, action: Action) -> None:
    """require() lets a role through for its own actions and refuses every other with access_denied."""
    principal = Principal("p-1", WYMOTT, role)
    if action in EXPECTED[role]:
        require(principal, action)
    else:
        with refusal(AccessDenied, "access_denied", f"the {role} role may not {action}"):
            require(principal, action)


@pytest.mark.parametrize("role", ["", "root", "Admin", "care-staff"])
def test_a_role_the_service_does_not_know_may_do_nothing(role: str) -> None:
    """A misspelt or invented role gets no permission by default."""
    for action in ACTIONS:
        with pytest.raises(AccessDenied):
            require(Principal("p-1", WYMOTT, role), action)


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("action", ACTIONS)
def test_on_its_own_organisations_passport_a_role_gets_the_matrix(role: str, action: Action) -> None:
    """require_on() returns the row when the role allows the action, and says access_denied when it does not:
    the passport is the caller's organisation's, so saying it exists leaks nothing."""
    row = held_by(WYMOTT)
    principal = Principal("p-1", WYMOTT, role)
    if action in EXPECTED[role]:
        assert require_on(principal, action, row) is row
    else:
        with refusal(AccessDenied, "access_denied", "may not"):
            require_on(principal, action, row)


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("action", ACTIONS)
def test_another_organisations_passport_does_not_exist_for_any_role(role: str, action: Action) -> None:
    """Held by Risley, asked for by Wymott: not_found whatever the role and action, even one the role may never
    do (so a refusal never confirms that a passport id exists), and the same answer as for no passport at all."""
    principal = Principal("p-1", WYMOTT, role)
    for row in (held_by(RISLEY), None):
        with refusal(NotFound, "not_found", "no passport with that id"):
            require_on(principal, action, row)


def test_an_authority_or_peer_never_holds_the_passports_it_may_view() -> None:
    """An authority or peer belongs to another organisation: the per-object rule alone never lets it read, amend
    or audit a passport here (its views go through passport.services.sharing, which checks what names it)."""
    row = held_by(WYMOTT)
    for principal in (
        Principal("la-1", "la:E08000012", "authority", audience="local_authority"),
        Principal("peer-1", RISLEY, "peer", audience="prison"),
    ):
        for action in ACTIONS:
            with pytest.raises(NotFound):
                require_on(principal, action, row)


def test_a_person_may_only_change_their_own_consent() -> None:
    """The person never uses the API: of every action, own_consent alone is theirs (reading their own passport
    goes through passport.services.people)."""
    person = Principal("person-1", WYMOTT, "person", person_pid="6f1c2b8e-3d4a-4b5c-8d6e-7f8091a2b3c4")
    allowed = []
    for action in ACTIONS:
        try:
            require_on(person, action, held_by(WYMOTT))
        except AccessDenied:
            continue
        allowed.append(action)
    assert allowed == ["own_consent"]


def test_a_person_reaches_their_own_passport_and_no_other() -> None:
    """The person's rule: their own passport, at the organisation that signed them in; anyone else's, or theirs
    elsewhere, does not exist for them; staff are not people."""
    mine = held_by("prison:WYI")
    person = Principal("p-1", "prison:WYI", "person", person_pid=mine.pid)
    assert require_own(person, mine) is mine
    someone_else = Principal("p-2", "prison:WYI", "person", person_pid="00000000-0000-4000-8000-000000000000")
    with pytest.raises(NotFound):
        require_own(someone_else, mine)
    with pytest.raises(NotFound):
        require_own(Principal("p-1", "prison:RSY", "person", person_pid=mine.pid), mine)
    with pytest.raises(NotFound):
        require_own(person, None)
    with pytest.raises(AccessDenied):
        require_own(Principal("s-1", "prison:WYI", "care_staff"), mine)
