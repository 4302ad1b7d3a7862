"""Timing samples, their percentiles, and the table of figures against their targets."""
import math
import time
from collections.abc import Callable
from dataclasses import dataclass


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest sample with at least `share` of the samples at or below it."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass(frozen=True)
class Timing:
    samples: list[float]  # milliseconds, wall clock
    cpu_ms: float  # mean CPU time per run of the processes measured (other load on the machine does not add to it)
    cpu_of: str  # which processes


def time_runs(action: Callable[[int], object], runs: int, *, warmup: int = 5,
              cpu: Callable[[], float] = time.process_time, cpu_of: str = "this process") -> Timing:
    """Wall-clock milliseconds of each of `runs` calls of `action(n)`, after `warmup` untimed calls."""
    for n in range(warmup):
        action(n)
    samples = []
    cpu_before = cpu()
    for n in range(runs):
        started = time.perf_counter()
        action(n)
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(samples, (cpu() - cpu_before) * 1000 / runs, cpu_of)


@dataclass(frozen=True)
class Figure:
    """One line of the results: a measure, its target and whether it meets it."""

    name: str
    measured: str
    target: str
    passes: bool | None  # None: informative, no target
    note: str = ""

    @property
    def verdict(self) -> str:
        return "" if self.passes is None else "PASS" if self.passes else "MISS"


def latency(name: str, timing: Timing | list[float], *, target_p95_ms: float | None, note: str = "") -> Figure:
    samples = timing.samples if isinstance(timing, Timing) else timing
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    if isinstance(timing, Timing):
        note = "; ".join(filter(None, (note, f"CPU {timing.cpu_ms:.1f} ms per run ({timing.cpu_of})")))
    return Figure(
        name=f"{name} ({len(samples)} runs)", measured=f"p50 {p50:.1f} ms, p95 {p95:.1f} ms",
        target=f"p95 < {target_p95_ms:g} ms" if target_p95_ms is not None else "",
        passes=None if target_p95_ms is None else p95 < target_p95_ms, note=note,
    )


def table(figures: list[Figure]) -> str:
    headers = ("figure", "measured", "target", "result")
    cells = [(f.name, f.measured, f.target, f.verdict) for f in figures]
    widths = [max(len(row[i]) for row in [headers, *cells]) for i in range(4)]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in [headers, tuple("-" * width for width in widths), *cells]]
    notes = [f"  - {f.name.split(' (')[0]}: {f.note}" for f in figures if f.note]
    return "\n".join(lines + (["notes:", *notes] if notes else []))
