"""Fixtures of the API tests: two real prisons that trust each other."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.twoprisons import RISLEY, fetch, trust
from tests.conftest import LiveServer, start_server


@pytest.fixture
def pair(live_server: LiveServer, tmp_path: Path) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Wymott (SQLite or PostgreSQL) and Risley (SQLite), each trusting the other's keys."""
    risley = start_server(tmp_path / "risley", f"sqlite:///{tmp_path / 'risley.db'}", RISLEY)
    trust(live_server, fetch(risley))
    trust(risley, fetch(live_server))
    yield live_server, risley
    risley.stop()


@pytest.fixture
def staff(live_server: LiveServer) -> Any:
    """Wymott's care staff (a module may name its own)."""
    return live_server.client(live_server.token("care_staff"))


@pytest.fixture
def pid(staff: Any, reference: dict[str, Any]) -> str:
    """The reference passport, created at Wymott."""
    created: str = staff.post("/v1/passports", json=reference).json()["pid"]
    return created
