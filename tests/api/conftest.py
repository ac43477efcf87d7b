"""Fixtures of the API tests: two real prisons that trust each other."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
