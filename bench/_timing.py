"""A tiny timing helper shared by the scripts in ``bench/``.

Method, the same for every figure so that figures measured in one run can be compared:

1. warm up by calling the operation in doubling batches until ``warmup_s`` has passed; the
   warm-up also estimates the time per call;
2. choose ``n`` so that one round of ``n`` calls takes about ``round_s``;
3. time ``rounds`` rounds with :func:`time.perf_counter_ns` and keep each round's time per call;
   with several operations (:func:`measure_all`) the rounds are interleaved;
4. report the median of those per-call times (and the fastest and slowest round, to show the spread).

The garbage collector stays on: what it costs is part of what an operation costs.
Figures are for printing; a machine's speed is not a test result, so nothing here asserts on them.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

NS_PER_S = 1_000_000_000
REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_PASSPORT = REPO_ROOT / "tests" / "assets" / "reference-passport.json"
IAT = 1_767_225_600  # 2026-01-01T00:00:00Z: a fixed time, so every run signs the same kind of bytes


@dataclass(frozen=True)
class Timing:
    """The time one operation took: per call, in nanoseconds, one figure per round."""

    name: str
    iterations: int  # calls per round
    per_op_ns: tuple[float, ...]  # one figure per round

    @property
    def median_ns(self) -> float:
        """The median over rounds of the time per call."""
        return statistics.median(self.per_op_ns)

    @property
    def median_us(self) -> float:
        """:attr:`median_ns` in microseconds."""
        return self.median_ns / 1_000

    @property
    def ops_per_s(self) -> float:
        """Calls per second, from the median."""
        return NS_PER_S / self.median_ns

    @property
    def spread(self) -> float:
        """(slowest round - fastest round) / median: how noisy the figure is."""
        return (max(self.per_op_ns) - min(self.per_op_ns)) / self.median_ns

    def ratio_to(self, limit: Timing) -> float:
        """How many times the limit's time per call this operation takes."""
        return self.median_ns / limit.median_ns


def _run(fn: Callable[[], object], n: int) -> int:
    """Nanoseconds taken by ``n`` calls of ``fn``."""
    start = time.perf_counter_ns()
    for _ in range(n):
        fn()
    return time.perf_counter_ns() - start


def _calibrate(fn: Callable[[], object], warmup_s: float) -> float:
    """Warm ``fn`` up in doubling batches for ``warmup_s``; return the estimated nanoseconds per call."""
    batch, spent, calls = 1, 0, 0
    while True:
        spent += _run(fn, batch)
        calls += batch
        if spent >= warmup_s * NS_PER_S:
            return max(spent, 1) / calls
        batch *= 2


def measure_all(
    operations: Sequence[tuple[str, Callable[[], object]]],
    *,
    rounds: int = 7,
    round_s: float = 0.3,
    warmup_s: float = 0.2,
    progress: Callable[[str], None] | None = None,
) -> list[Timing]:
    """Time several ``(name, call with no arguments)`` as the module docstring describes.

    The rounds are interleaved (round 1 of every operation, then round 2 of every operation...),
    so that a machine that slows down or speeds up during the run (other load, clock changes)
    moves every figure alike, and ratios between figures of one run stay fair.
    """
    if rounds < 1 or round_s <= 0 or warmup_s < 0:
        raise ValueError("rounds must be at least 1, round_s positive and warmup_s not negative")
    counts: list[int] = []
    for name, fn in operations:
        if progress is not None:
            progress(f"warming up {name}")
        counts.append(max(1, round(round_s * NS_PER_S / _calibrate(fn, warmup_s))))
    per_op: list[list[float]] = [[] for _ in operations]
    for r in range(rounds):
        if progress is not None:
            progress(f"round {r + 1} of {rounds}")
        for (_, fn), n, figures in zip(operations, counts, per_op, strict=True):
            figures.append(_run(fn, n) / n)
    return [
        Timing(name=name, iterations=n, per_op_ns=tuple(figures))
        for (name, _), n, figures in zip(operations, counts, per_op, strict=True)
    ]


@dataclass(frozen=True)
class Case:
    """One operation to time: its label in the table, the limit it is measured against, and maybe an aim."""

    key: str
    label: str
    fn: Callable[[], object]
    limit: str | None = None  # the key of the case it is measured against; None for a limit itself
    aim: float | None = None  # the ratio aimed at, printed as text, never checked


def run_cases(cases: Sequence[Case], *, rounds: int, round_s: float, warmup_s: float) -> dict[str, Timing]:
    """Time every case (rounds interleaved, :func:`measure_all`), printing progress to stderr; by key."""
    timings = measure_all(
        [(case.label.strip(), case.fn) for case in cases],
        rounds=rounds,
        round_s=round_s,
        warmup_s=warmup_s,
        progress=lambda what: print(f"  {what} ...", file=sys.stderr, flush=True),
    )
    return {case.key: timing for case, timing in zip(cases, timings, strict=True)}


FOOTNOTE = [
    "",
    "Indented rows are steps of the row above, each timed alone; ratio = time per op / the limit's.",
    "Figures are printed, not asserted: a machine's speed is not a test result.",
]


def case_figures(cases: Sequence[Case], timings: dict[str, Timing]) -> list[dict[str, object]]:
    """Each case's figures, JSON-ready: per-op time, rate, every round, and its ratio to its limit."""
    figures: list[dict[str, object]] = []
    for case in cases:
        t = timings[case.key]
        entry: dict[str, object] = {
            "key": case.key,
            "operation": case.label.strip(),
            "us_per_op": round(t.median_us, 3),
            "ops_per_s": round(t.ops_per_s, 1),
            "rounds_us_per_op": [round(ns / 1_000, 3) for ns in t.per_op_ns],
            "iterations_per_round": t.iterations,
            "against": case.limit,
            "ratio": None if case.limit is None else round(t.ratio_to(timings[case.limit]), 3),
        }
        if case.aim is not None:
            entry["aim_ratio_at_most"] = case.aim
        figures.append(entry)
    return figures


def measure(
    name: str,
    fn: Callable[[], object],
    *,
    rounds: int = 7,
    round_s: float = 0.3,
    warmup_s: float = 0.2,
) -> Timing:
    """Time one call with no arguments (see :func:`measure_all`)."""
    return measure_all([(name, fn)], rounds=rounds, round_s=round_s, warmup_s=warmup_s)[0]


def machine() -> dict[str, str | int | None]:
    """What the figures were measured on: Python, ``cryptography``, the CPU and how many cores."""

    def version(package: str) -> str | None:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return None

    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "cryptography": version("cryptography"),
        "openssl": _openssl_version(),
        "cpu_count": os.cpu_count(),
        "platform": f"{sys.platform} {platform.machine()}",
    }


def machine_line() -> str:
    """:func:`machine` on one line, for the head of a printed table."""
    m = machine()
    return f"{m['python']}, cryptography {m['cryptography']} ({m['openssl']}), {m['cpu_count']} CPUs, {m['platform']}"


def _openssl_version() -> str | None:
    try:
        from cryptography.hazmat.backends.openssl.backend import backend
    except ImportError:
        return None
    return str(backend.openssl_version_text())


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[bool]) -> str:
    """A plain-text table; ``right[i]`` right-aligns column ``i`` (numbers), else left-aligns it."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(width) if align else cell.ljust(width)
            for cell, width, align in zip(cells, widths, right, strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])
