"""Traffic scenarios for the SLO tests and what the alerts do in them, simulated in Python.

Expected alerts come from simulating every window twice, with the range semantics of
Prometheus 2 (`[t-w, t]`) and 3 (`(t-w, t]`); an evaluation time where either is within
MARGIN of a threshold (or of a `min_events` count) is Fragile and never asserted, so a
test states behaviour, not rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from erpgo_monctl.resolve.slo_math import BurnWindow, seconds

# Events per minute in generated scenarios. Every increment is a whole number: promtool expands
# `a+bxn` in floats, and a fractional step can round a flat counter below itself (a "reset").
TRAFFIC = 1_000_000
MARGIN = Decimal("0.02")  # an asserted window ratio is at least 2% away from its threshold
VOLUME_MARGIN = Decimal("0.1")  # an asserted event count is at least 10% away from min_events


@dataclass(frozen=True)
class Phase:
    """`minutes` of traffic with `total` events and `bad` bad events per minute."""

    minutes: int
    total: int
    bad: int


def phase(minutes: int, burn: Decimal, budget: Decimal, total: int = TRAFFIC) -> Phase:
    """Traffic burning the error budget at `burn` (bad events rounded to whole ones)."""
    return Phase(minutes, total, int((burn * budget * total).to_integral_value()))


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return (f"{hours}h" if hours else "") + (f"{rest}m" if rest or not hours else "")


class Fragile(Exception):
    """An evaluation time too close to a threshold to assert."""


class Scenario:
    """Traffic phases of one SLO and what its alerts do at any minute."""

    def __init__(self, budget: Decimal, phases: tuple[Phase, ...]) -> None:
        self.budget = budget
        # running totals: minutes 1..k bring bad_upto[k] bad and total_upto[k] events in all
        self.bad_upto, self.total_upto = [0], [0]
        for part in phases:
            for _ in range(part.minutes):
                self.bad_upto.append(self.bad_upto[-1] + part.bad)
                self.total_upto.append(self.total_upto[-1] + part.total)

    def ratio(self, minute: int, window: str, left_open: bool) -> Decimal | None:
        """Error ratio over `window` at `minute`; Prometheus 3 ranges exclude the sample at t - window."""
        first = minute - int(seconds(window) / 60) + (2 if left_open else 1)
        last = len(self.total_upto) - 1
        start, end = min(max(first, 1) - 1, last), min(minute, last)
        if start >= end:
            return None
        total = self.total_upto[end] - self.total_upto[start]
        return Decimal(self.bad_upto[end] - self.bad_upto[start]) / total if total else None

    def events(self, minute: int, window: str, left_open: bool) -> int:
        """Events counted over `window` at `minute` (between the samples the range holds)."""
        first = minute - int(seconds(window) / 60) + (2 if left_open else 1)
        last = len(self.total_upto) - 1
        start, end = min(max(first, 1) - 1, last), min(minute, last)
        return self.total_upto[end] - self.total_upto[start] if start < end else 0

    def fires(self, conditions: Conditions, minute: int, min_events: int | None = None) -> bool:
        """Whether alerts on `conditions` fire at `minute`; Fragile near a threshold or if versions differ."""
        outcomes = set()
        for left_open in (False, True):
            fired = False
            for window, factor in conditions:
                threshold = factor * self.budget
                above = []
                for w in (window.long, window.short):
                    ratio = self.ratio(minute, w, left_open)
                    if ratio is not None and abs(ratio - threshold) < MARGIN * threshold:
                        raise Fragile(f"{w} ratio {ratio} is within {MARGIN:%} of {threshold} at {minute}m")
                    above.append(ratio is not None and ratio > threshold)
                if min_events is not None:
                    # Prometheus extrapolates increase() by up to a sample interval: stay clear of N
                    count = self.events(minute, window.long, left_open)
                    if abs(count - min_events) < VOLUME_MARGIN * min_events:
                        raise Fragile(
                            f"{count} events over {window.long} is close to {min_events} at {minute}m"
                        )
                    above.append(count >= min_events)
                fired = fired or all(above)
            outcomes.add(fired)
        if len(outcomes) != 1:
            raise Fragile(f"Prometheus 2 and 3 range semantics disagree at {minute}m")
        return outcomes.pop()


class SliceScenario(Scenario):
    """Time slices: one 0/1 sample a minute (minute i holds sample i), 0 when the phase is bad.

    count_over_time counts samples, so a window holds w + 1 of them under Prometheus 2's
    closed range and w under 3's; the ratio is bad samples / samples.
    """

    def __init__(self, budget: Decimal, phases: tuple[Phase, ...]) -> None:
        self.budget = budget
        self.bad_upto = [0]  # bad samples among samples 0..i-1
        for part in phases:
            for _ in range(part.minutes):
                self.bad_upto.append(self.bad_upto[-1] + (1 if part.bad else 0))
        self.total_upto = list(range(len(self.bad_upto)))

    def _span(self, minute: int, window: str, left_open: bool) -> tuple[int, int]:
        last = len(self.bad_upto) - 2
        low = max(minute - int(seconds(window) / 60) + (1 if left_open else 0), 0)
        return low, min(minute, last)

    def ratio(self, minute: int, window: str, left_open: bool) -> Decimal | None:
        low, high = self._span(minute, window, left_open)
        if high < low:
            return None
        return Decimal(self.bad_upto[high + 1] - self.bad_upto[low]) / (high - low + 1)

    def events(self, minute: int, window: str, left_open: bool) -> int:
        low, high = self._span(minute, window, left_open)
        return max(high - low + 1, 0)


def gauge_values(phases: list[Phase]) -> str:
    """promtool notation for a 0/1 gauge: one sample a minute, 0 in bad phases."""
    return " ".join(f"{0 if p.bad else 1}x{p.minutes - 1}" for p in phases)


Conditions = tuple[tuple[BurnWindow, Decimal], ...]
Claims = tuple[tuple[int, tuple[tuple[str, bool], ...]], ...]
Alert = tuple[str, Conditions, int | None]  # kind, burn-rate conditions, min_events


@cache
def simulate(
    budget: Decimal,
    alerts: tuple[Alert, ...],
    phases: tuple[Phase, ...],
    claims: Claims,
    slices: bool = False,
) -> tuple[tuple[tuple[int, tuple[int, ...]], ...], str | None]:
    """(minute, indexes of the alerts firing) for each claimed minute, and why the story is fragile (or None).

    The minutes listed are those before any fragile one. SLOs alike in budget and alert
    conditions share every result, so a spec of 2,000 SLOs simulates each shape once.
    """
    scenario = SliceScenario(budget, phases) if slices else Scenario(budget, phases)
    kinds = {kind for kind, _, _ in alerts}
    outcomes = []
    try:
        for minute, claimed in claims:
            firing = tuple(
                i
                for i, (_, conditions, volume) in enumerate(alerts)
                if scenario.fires(conditions, minute, volume)
            )
            fired_kinds = {alerts[i][0] for i in firing}
            for kind, fires in claimed:
                if kind in kinds and fires != (kind in fired_kinds):
                    raise Fragile(
                        f"the {kind} alert would {'not ' if fires else ''}fire at {duration(minute)}"
                    )
            outcomes.append((minute, firing))
    except Fragile as exc:
        return tuple(outcomes), str(exc)
    return tuple(outcomes), None
