"""The `passport` command run as a person runs it, in a fresh process, and the one-line error it must print:
what every CLI test file shares."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def passport(
    *args: str, home: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh process, the way a person would (with ``env``'s settings, if any)."""
    settings = {k: v for k, v in os.environ.items() if not k.startswith("PASSPORT_")} | {"PASSPORT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=settings | (env or {}),
        check=False,
        timeout=60,
    )


def one_line_error(result: subprocess.CompletedProcess[str], code: str) -> None:
    """The command failed with exactly one line, ``error: <code>: ...``, and no traceback."""
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"error: {code}: ")
    assert "Traceback" not in result.stderr + result.stdout
