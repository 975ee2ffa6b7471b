"""The SLO test plans: the promtool test documents generated for every SLO, and why scenarios are left out.

SLO tests feed synthetic traffic (slo_inputs) through the real rule file and expect what
the burn-rate math says. Expectations come from simulating every window twice, with the
range semantics of Prometheus 2 (`[t-w, t]`) and 3 (`(t-w, t]`); an evaluation time
where either is within MARGIN of a threshold is never asserted, so a test states
behaviour, not rounding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property
from typing import Any

from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.layout import rule_file_path
from erpgo_monctl.resolve.slo_inputs import SLIInput, Unsupported, sli_input
from erpgo_monctl.resolve.slo_math import (
    BurnWindow,
    clean,
    error_budget,
    ratio_windows,
    seconds,
    significant,
    slo_matchers,
)
from erpgo_monctl.resolve.slo_rules import BurnRateAlert, SLORules
from erpgo_monctl.spec.rules import SLO

# Events per minute in generated scenarios. Every increment is a whole number: promtool expands
# `a+bxn` in floats, and a fractional step can round a flat counter below itself (a "reset").
TRAFFIC = 1_000_000
# Counters start at 10x a minute's traffic: rate() stops extrapolating where a counter would
# reach zero (sooner than 1.1 scrape intervals only when the value is under 1.1x its per-interval
# growth), so from this offset every series of a window extrapolates alike and ratios stay exact.
OFFSET = 10 * TRAFFIC
MARGIN = Decimal("0.02")  # an asserted window ratio is at least 2% away from its threshold
TOLERANCE = "1e-09"
_LABEL_TEMPLATE = re.compile(r"\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class Phase:
    """`minutes` of traffic with `total` events and `bad` bad events per minute."""

    minutes: int
    total: int
    bad: int


def phase(minutes: int, burn: Decimal, budget: Decimal, total: int = TRAFFIC) -> Phase:
    """Traffic burning the error budget at `burn` (bad events rounded to whole ones)."""
    return Phase(minutes, total, int((burn * budget * total).to_integral_value()))


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return (f"{hours}h" if hours else "") + (f"{rest}m" if rest or not hours else "")


def _x(factor: Decimal) -> str:
    """A burn rate for a test's name: `15x`, `0.9333x`."""
    return f"{clean(significant(factor, 4))}x"


def _values(counter_bad: int, counter_total: int, phases: list[Phase]) -> str:
    """promtool expanding notation for a counter growing phase by phase from OFFSET."""
    parts, value = [], OFFSET
    for index, part in enumerate(phases):
        step = counter_bad * part.bad + counter_total * part.total
        start, count = (value, part.minutes) if index == 0 else (value + step, part.minutes - 1)
        parts.append(f"{start}{'-' if step < 0 else '+'}{abs(step)}x{count}")
        value += step * part.minutes
    return " ".join(parts)


@dataclass(frozen=True)
class Story:
    """A traffic scenario and what it must show: at minute m, whether the page/ticket fires."""

    name: str
    phases: list[Phase]
    claims: dict[int, dict[str, bool]]


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

    def fires(self, conditions: Conditions, minute: int) -> bool:
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
                fired = fired or all(above)
            outcomes.add(fired)
        if len(outcomes) != 1:
            raise Fragile(f"Prometheus 2 and 3 range semantics disagree at {minute}m")
        return outcomes.pop()


Conditions = tuple[tuple[BurnWindow, Decimal], ...]
Claims = tuple[tuple[int, tuple[tuple[str, bool], ...]], ...]


@cache
def simulate(
    budget: Decimal, alerts: tuple[tuple[str, Conditions], ...], phases: tuple[Phase, ...], claims: Claims
) -> tuple[tuple[tuple[int, tuple[int, ...]], ...], str | None]:
    """(minute, indexes of the alerts firing) for each claimed minute, and why the story is fragile (or None).

    The minutes listed are those before any fragile one. SLOs alike in budget and alert
    conditions share every result, so a spec of 2,000 SLOs simulates each shape once.
    """
    scenario = Scenario(budget, phases)
    kinds = {kind for kind, _ in alerts}
    outcomes = []
    try:
        for minute, claimed in claims:
            firing = tuple(
                i for i, (_, conditions) in enumerate(alerts) if scenario.fires(conditions, minute)
            )
            fired_kinds = {alerts[i][0] for i in firing}
            for kind, fires in claimed:
                if kind in kinds and fires != (kind in fired_kinds):
                    raise Fragile(
                        f"the {kind} alert would {'not ' if fires else ''}fire at {_duration(minute)}"
                    )
            outcomes.append((minute, firing))
    except Fragile as exc:
        return tuple(outcomes), str(exc)
    return tuple(outcomes), None


def _expand(text: str, labels: dict[str, str]) -> str:
    expanded = _LABEL_TEMPLATE.sub(lambda m: labels.get(m.group(1), ""), text)
    if "{{" in expanded:
        raise Unsupported("an annotation uses templates other than {{ $labels.<name> }}")
    return expanded


class SLOTests:
    """Builds the promtool test groups of one SLO."""

    def __init__(self, slo: SLO, alerts: tuple[BurnRateAlert, ...]) -> None:
        self.slo = slo
        self.budget = error_budget(slo)
        self.alerts = alerts
        self.input: SLIInput = sli_input(slo)
        self.labels = {"service": slo.service, "slo": slo.name, **self.input.labels}
        self.skipped: list[str] = []

    def _series(self, phases: list[Phase], sli: SLIInput | None = None) -> list[dict[str, str]]:
        return [
            {"series": c.series(), "values": _values(c.bad, c.total, phases)}
            for c in (sli or self.input).counters
        ]

    def expected(self, alert: BurnRateAlert) -> dict[str, Any]:
        return {
            "exp_labels": {**self.input.labels, **alert.rule.labels},
            "exp_annotations": {k: _expand(v, self.labels) for k, v in alert.rule.annotations.items()},
        }

    def simulated(self, story: Story) -> tuple[tuple[tuple[int, tuple[int, ...]], ...], str | None]:
        """simulate() of this SLO's alerts through the story (no minutes, and a note, if it cannot run)."""
        if any(p.bad > p.total for p in story.phases):
            return (), "needs an error ratio above 100%"
        return simulate(
            self.budget,
            tuple((a.kind, a.conditions) for a in self.alerts),
            tuple(story.phases),
            tuple((minute, tuple(claimed.items())) for minute, claimed in story.claims.items()),
        )

    def alert_group(self, story: Story) -> dict[str, Any] | None:
        """A test asserting every alert of the SLO at the story's minutes; None (and a note) if it cannot."""
        outcomes, fragile = self.simulated(story)
        checks = []
        for minute, indexes in outcomes:
            firing = [self.alerts[i] for i in indexes]
            for alertname in dict.fromkeys(a.rule.name for a in self.alerts):
                expected = [self.expected(a) for a in firing if a.rule.name == alertname]
                checks.append(
                    {"eval_time": _duration(minute), "alertname": alertname, "exp_alerts": expected}
                )
        if fragile is not None:
            self.skipped.append(f"{story.name}: {fragile}")
            return None
        return {
            "name": f"{self.slo.name}: {story.name}",
            "interval": "1m",
            "input_series": self._series(story.phases),
            "alert_rule_test": checks,
        }

    def _close(self, expr: str, value: Decimal, *, grouped: bool = True) -> dict[str, Any]:
        """`|expr - value| < 1e-9` holds: exact to the float rounding of sums, whichever promtool runs it."""
        chosen = self.labels if grouped else {"service": self.slo.service, "slo": self.slo.name}
        labels = ", ".join(f'{k}="{v}"' for k, v in sorted(chosen.items()))
        return {
            "expr": f"abs({expr} - {clean(value)}) < bool {TOLERANCE}",
            "eval_time": "",
            "exp_samples": [{"labels": "{" + labels + "}", "value": 1}],
        }

    def recording_group(self) -> dict[str, Any]:
        """A steady error ratio of a quarter of the budget, seen by every window and the metadata."""
        steady = phase(180, Decimal("0.25"), self.budget)
        ratio = Decimal(steady.bad) / steady.total
        sel = "{" + slo_matchers(self.slo) + "}"
        checks = [self._close(f"slo:sli_error:ratio_rate{w}{sel}", ratio) for w in ratio_windows(self.slo)]
        checks += [
            self._close(f"slo:objective:ratio{sel}", 1 - self.budget, grouped=False),
            self._close(f"slo:error_budget:ratio{sel}", self.budget, grouped=False),
            self._close(f"slo:period_error_budget_remaining:ratio{sel}", 1 - ratio / self.budget),
            self._close(f"slo:period_burn_rate:ratio{sel}", ratio / self.budget),
            self._close(f"slo:current_burn_rate:ratio{sel}", ratio / self.budget),
        ]
        for check in checks:
            check["eval_time"] = "3h"
        return {
            "name": f"{self.slo.name}: a steady error ratio of budget/4 in every window and in the budget",
            "interval": "1m",
            "input_series": self._series([steady]),
            "promql_expr_test": checks,
        }

    def weighted_group(self) -> dict[str, Any]:
        """One busy good hour and one quiet bad hour: the SLO-window ratio weighs them by their events."""
        busy = phase(60, Decimal("0.5"), self.budget)
        quiet = phase(60, min(Decimal(20), Decimal("0.5") / self.budget), self.budget, TRAFFIC // 100)
        idle = Phase(10, 0, 0)
        phases = [idle, busy, quiet, idle]
        weighted = Decimal(busy.bad + quiet.bad) / (busy.total + quiet.total)
        sel = "{" + slo_matchers(self.slo) + "}"
        check = self._close(f"slo:sli_error:ratio_rate{self.slo.window}{sel}", weighted)
        check["eval_time"] = _duration(140)
        sli = sli_input(self.slo, le_spelling=1)
        return {
            "name": f"{self.slo.name}: the {self.slo.window} ratio is weighted by events, "
            "not a mean of 5m ratios",
            "interval": "1m",
            "input_series": self._series(phases, sli),
            "promql_expr_test": [check],
        }

    def groups(self) -> list[dict[str, Any]]:
        """Recording-rule tests, then the alert scenarios this SLO's alerts and budget allow."""
        found = [self.recording_group(), self.weighted_group()]
        for story in self.stories():
            group = self.alert_group(story)
            if group is not None:
                found.append(group)
        return found

    def stories(self) -> list[Story]:
        """The alert scenarios this SLO's alerts and budget allow."""
        factors = {w.long: f for a in self.alerts for w, f in a.conditions}
        kinds = {a.kind for a in self.alerts}
        budget = self.budget
        good = Decimal(0)
        stories: list[Story] = []
        # Histories are as short as the assertions allow: promtool evaluates every rule every minute.
        if "page" in kinds:
            fast = factors["1h"] * 25 / 24  # 15x for a 30d window
            stories.append(
                Story(
                    f"a steady {_x(fast)} burn pages once the 1h and 5m windows both exceed "
                    f"{_x(factors['1h'])}, not before",
                    [phase(120, good, budget), phase(60, fast, budget)],
                    {120 + 50: {"page": False}, 120 + 60: {"page": True}},
                )
            )
            spike = min(factors["1h"] * Decimal("1.5"), Decimal("0.95") / budget)
            stories.append(
                Story(
                    f"after a 50m burn at {_x(spike)} stops, the page resolves within 5m "
                    "although the 1h window is still above",
                    [phase(180, good, budget), phase(50, spike, budget), phase(10, good, budget)],
                    {180 + 50: {"page": True}, 180 + 56: {"page": False}},
                )
            )
        if "ticket" in kinds:
            slow = factors["3d"] * 2  # 2x for a 30d window
            stories.append(
                Story(
                    f"a steady {_x(slow)} burn opens a ticket once the 3d and 6h windows exceed "
                    f"{_x(factors['3d'])}, and never pages",
                    [phase(60, good, budget), phase(80, slow, budget)],
                    {60 + 45: {"ticket": False, "page": False}, 60 + 75: {"ticket": True, "page": False}},
                )
            )
        if self.alerts:
            calm = min(factors.values()) / 2
            nothing = {"page": False, "ticket": False}
            stories.append(
                Story(
                    f"a steady {_x(calm)} burn alerts nobody",
                    [phase(120, calm, budget)],
                    {30: nothing, 120: nothing},
                )
            )
        return stories


@dataclass(frozen=True)
class SLOTestPlan:
    """What the generated promtool tests of one SLO assert, and which scenarios are left out (notes).

    With `feasible` False there are no tests and the first note says why. The promtool
    document (`document`) is the plan written out: built on first use and kept, because
    validation needs only the notes and a spec of 2,000 SLOs would pay seconds for it.
    """

    slo: SLO
    spec_path: PathKey
    feasible: bool
    notes: tuple[str, ...]
    burn_alerts: tuple[BurnRateAlert, ...] = field(repr=False)

    @cached_property
    def document(self) -> dict[str, Any] | None:
        """The promtool test document (`tests/slo_<name>_test.yml`), None when not feasible."""
        if not self.feasible:
            return None
        try:
            groups = SLOTests(self.slo, self.burn_alerts).groups()
        except Unsupported:  # the notes were made by the same derivation: not reached
            return None
        return {"rule_files": [f"../{rule_file_path('slo')}"], "evaluation_interval": "1m", "tests": groups}


def slo_test_plan(rules: SLORules) -> SLOTestPlan:
    """The test plan of one SLO from its generated rules (their final labels and annotations).

    Only the input derivation and the alert scenarios can fail or be left out; the
    recording-rule groups always build once the input does.
    """
    slo = rules.slo
    path: PathKey = ("slos", rules.index, "name")

    def infeasible(why: str) -> SLOTestPlan:
        return SLOTestPlan(slo, path, False, (why,), rules.burn_alerts)

    longest = max((seconds(a.conditions[-1][0].long) for a in rules.burn_alerts), default=Decimal(0))
    if seconds(slo.window) < longest:  # validation refuses it (E405); nothing to simulate
        return infeasible("the SLO window is shorter than its alert windows")
    try:
        builder = SLOTests(slo, rules.burn_alerts)
        asserted: set[int] = set()  # alerts some test expects to fire: their annotations must expand
        for story in builder.stories():
            outcomes, fragile = builder.simulated(story)
            asserted.update(index for _, firing in outcomes for index in firing)
            if fragile is not None:
                builder.skipped.append(f"{story.name}: {fragile}")
        for index in sorted(asserted):
            builder.expected(builder.alerts[index])
    except Unsupported as exc:
        return infeasible(str(exc))
    return SLOTestPlan(slo, path, True, tuple(builder.skipped), rules.burn_alerts)
