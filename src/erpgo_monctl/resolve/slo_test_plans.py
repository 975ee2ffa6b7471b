"""The SLO test plans: the promtool test documents generated for every SLO, and why scenarios are left out.

SLO tests feed synthetic traffic (slo_inputs) through the real rule file and expect what
the burn-rate math says (slo_scenarios simulates it); a story whose numbers sit too close
to a threshold is left out with a note, so a test states behaviour, not rounding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.layout import rule_file_path
from erpgo_monctl.resolve.slo_inputs import SLIInput, Unsupported, sli_input
from erpgo_monctl.resolve.slo_math import (
    clean,
    counts_events,
    error_budget,
    event_labels,
    ratio_windows,
    seconds,
    significant,
    slo_matchers,
)
from erpgo_monctl.resolve.slo_rules import BurnRateAlert, SLORules
from erpgo_monctl.resolve.slo_scenarios import TRAFFIC, Phase, duration, gauge_values, phase, simulate
from erpgo_monctl.spec.rules import SLO, SLIByEvents, SLIByTimeSlices

# Counters start at 10x a minute's traffic: rate() stops extrapolating where a counter would
# reach zero (sooner than 1.1 scrape intervals only when the value is under 1.1x its per-interval
# growth), so from this offset every series of a window extrapolates alike and ratios stay exact.
OFFSET = 10 * TRAFFIC
TOLERANCE = "1e-09"
_LABEL_TEMPLATE = re.compile(r"\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


def _minutes(window: str) -> int:
    """Whole minutes of an alert window (scaled windows are whole minutes)."""
    return int(seconds(window) / 60)


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
        self.labels = {**event_labels(slo), **self.input.labels}
        self.skipped: list[str] = []
        self.slices = isinstance(slo.sli, SLIByTimeSlices)  # 0/1 samples, not counters

    def _series(self, phases: list[Phase], sli: SLIInput | None = None) -> list[dict[str, str]]:
        if self.slices:
            return [{"series": c.series(), "values": gauge_values(phases)} for c in self.input.counters]
        return [
            {"series": c.series(), "values": _values(c.bad, c.total, phases)}
            for c in (sli or self.input).counters
        ]

    def min_events(self, alert: BurnRateAlert) -> int | None:
        """The alert's `min_events` (page and ticket only)."""
        if alert.kind == "no_data":
            return None
        value: int | None = getattr(self.slo.alerting, alert.kind).min_events
        return value

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
            tuple((a.kind, a.conditions, self.min_events(a)) for a in self.alerts),
            tuple(story.phases),
            tuple((minute, tuple(claimed.items())) for minute, claimed in story.claims.items()),
            self.slices,
        )

    def alert_group(self, story: Story) -> dict[str, Any] | None:
        """A test asserting every alert of the SLO at the story's minutes; None (and a note) if it cannot."""
        outcomes, fragile = self.simulated(story)
        checks = []
        for minute, indexes in outcomes:
            firing = [self.alerts[i] for i in indexes]
            for alertname in dict.fromkeys(a.rule.name for a in self.alerts):
                expected = [self.expected(a) for a in firing if a.rule.name == alertname]
                checks.append({"eval_time": duration(minute), "alertname": alertname, "exp_alerts": expected})
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
        chosen = self.labels if grouped else event_labels(self.slo)
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
        check["eval_time"] = duration(140)
        sli = sli_input(self.slo, le_spelling=1)
        return {
            "name": f"{self.slo.name}: the {self.slo.window} ratio is weighted by events, "
            "not a mean of 5m ratios",
            "interval": "1m",
            "input_series": self._series(phases, sli),
            "promql_expr_test": [check],
        }

    def before_errors_group(self) -> dict[str, Any] | None:
        """An hour of good traffic and no bad series at all: every window and burn rate reads 0.

        The errors query of an events SLI selects nothing until the first bad event; the
        rules fall back to `0 * total`, so dashboards show a healthy 0, not "No data".
        """
        if not isinstance(self.slo.sli, SLIByEvents):
            return None
        counters = [c for c in self.input.counters if c.total]
        if len(counters) == len(self.input.counters):
            return None  # no series counts bad events only
        steady = Phase(60, TRAFFIC, 0)
        sel = "{" + slo_matchers(self.slo) + "}"
        checks = [
            self._close(f"slo:sli_error:ratio_rate{w}{sel}", Decimal(0)) for w in ratio_windows(self.slo)
        ]
        checks += [
            self._close(f"slo:current_burn_rate:ratio{sel}", Decimal(0)),
            self._close(f"slo:period_burn_rate:ratio{sel}", Decimal(0)),
            self._close(f"slo:period_error_budget_remaining:ratio{sel}", Decimal(1)),
        ]
        for check in checks:
            check["eval_time"] = "1h"
        series = [{"series": c.series(), "values": _values(0, c.total, [steady])} for c in counters]
        return {
            "name": f"{self.slo.name}: before the first bad event every window and burn rate reads 0",
            "interval": "1m",
            "input_series": series,
            "promql_expr_test": checks,
        }

    def no_data_group(self) -> dict[str, Any] | None:
        """The SLI's series stop after 30m: the no-data alert is quiet before, firing after `for`."""
        alert = next((a for a in self.alerts if a.kind == "no_data"), None)
        if alert is None:
            return None
        wait = _minutes(alert.rule.for_ or "0s") + 5 + 2  # rate5m goes stale within 5m, then `for`
        labels = {**event_labels(self.slo), **alert.rule.labels}
        firing = {
            "exp_labels": labels,
            "exp_annotations": {k: _expand(v, labels) for k, v in alert.rule.annotations.items()},
        }
        return {
            "name": f"{self.slo.name}: the SLI's series stop: no-data alert after {alert.rule.for_}",
            "interval": "1m",
            "input_series": self._series([phase(30, Decimal(0), self.budget)]),
            "alert_rule_test": [
                {"eval_time": "30m", "alertname": alert.rule.name, "exp_alerts": []},
                {"eval_time": duration(30 + wait), "alertname": alert.rule.name, "exp_alerts": [firing]},
            ],
        }

    def slices_recording_group(self) -> dict[str, Any]:
        """Time slices all good for 3h: every window reads 0, the budget is untouched."""
        sel = "{" + slo_matchers(self.slo) + "}"
        checks = [
            self._close(f"slo:sli_error:ratio_rate{w}{sel}", Decimal(0)) for w in ratio_windows(self.slo)
        ]
        checks += [
            self._close(f"slo:objective:ratio{sel}", 1 - self.budget, grouped=False),
            self._close(f"slo:error_budget:ratio{sel}", self.budget, grouped=False),
            self._close(f"slo:period_error_budget_remaining:ratio{sel}", Decimal(1)),
            self._close(f"slo:current_burn_rate:ratio{sel}", Decimal(0)),
        ]
        for check in checks:
            check["eval_time"] = "3h"
        return {
            "name": f"{self.slo.name}: every sample good for 3h: every window reads 0, the budget is whole",
            "interval": "1m",
            "input_series": self._series([Phase(181, 1, 0)]),
            "promql_expr_test": checks,
        }

    def groups(self) -> list[dict[str, Any]]:
        """Recording-rule tests, then the alert scenarios this SLO's alerts and budget allow."""
        if self.slices:
            found = [self.slices_recording_group()]
        elif not counts_events(self.slo):  # raw: the SLO-window ratio is a mean, not event-weighted
            found = [self.recording_group()]
        else:
            found = [self.recording_group(), self.weighted_group()]
        for extra in (self.before_errors_group(), self.no_data_group()):
            if extra is not None:
                found.append(extra)
        for story in self.stories():
            group = self.alert_group(story)
            if group is not None:
                found.append(group)
        return found

    def slice_stories(self) -> list[Story]:
        """Time slices: the target is down (every sample 0) after 2L good minutes; the page fires by 3L."""
        page = sorted(
            (c for a in self.alerts for c in a.conditions if c[0].kind == "page"), key=lambda c: -c[1]
        )
        stories = []
        if page:
            window, _ = page[0]
            long = _minutes(window.long)
            stories.append(
                Story(
                    f"every sample good for {duration(2 * long)} alerts nobody; then the target is down "
                    f"(samples 0) and it pages within the {window.long} page window",
                    [Phase(2 * long, 1, 0), Phase(long + 1, 1, 1)],
                    {2 * long - 1: {"page": False, "ticket": False}, 3 * long: {"page": True}},
                )
            )
        return stories

    def stories(self) -> list[Story]:
        """The alert scenarios this SLO's alerts and budget allow.

        Times scale with the alert windows (a 7d SLO pages over 14m where a 30d one uses
        1h), so every SLO window gets the same stories; simulation leaves out what its
        numbers cannot show.
        """
        if self.slices:
            return self.slice_stories()
        conditions = [c for a in self.alerts for c in a.conditions]
        page = sorted((c for c in conditions if c[0].kind == "page"), key=lambda c: -c[1])
        ticket = sorted((c for c in conditions if c[0].kind == "ticket"), key=lambda c: c[1])
        budget = self.budget
        good = Decimal(0)
        stories: list[Story] = []
        # Histories are as short as the assertions allow: promtool evaluates every rule every minute.
        if page:
            window, factor = page[0]
            long, short = _minutes(window.long), _minutes(window.short)
            fast = factor * 25 / 24  # 15x for the Workbook's 14.4
            stories.append(
                Story(
                    f"a steady {_x(fast)} burn pages once the {window.long} and {window.short} windows "
                    f"both exceed {_x(factor)}, not before",
                    [phase(2 * long, good, budget), phase(long, fast, budget)],
                    {2 * long + long * 5 // 6: {"page": False}, 3 * long: {"page": True}},
                )
            )
            spike = min(factor * Decimal("1.5"), Decimal("0.95") / budget)
            burst = max(long * 5 // 6, short + 1)
            stories.append(
                Story(
                    f"after a {duration(burst)} burn at {_x(spike)} stops, the page resolves within "
                    f"{duration(short + 1)} although the {window.long} window is still above",
                    [
                        phase(3 * long, good, budget),
                        phase(burst, spike, budget),
                        phase(2 * short, good, budget),
                    ],
                    {3 * long + burst: {"page": True}, 3 * long + burst + short + 1: {"page": False}},
                )
            )
            storm = Decimal(20)
            stories.append(
                Story(
                    f"a steady {_x(storm)} burn pages within the {window.long} page window",
                    [phase(10, good, budget), phase(long, storm, budget)],
                    {10 + long: {"page": True}},
                )
            )
        volume = self.slo.alerting.page.min_events
        if len(page) > 1 and volume is not None:
            stories += self.quiet_night(page, volume)
        if ticket:
            window, factor = ticket[0]
            slow = factor * 2  # 2x for the Workbook's 1
            stories.append(
                Story(
                    f"a steady {_x(slow)} burn opens a ticket once the {window.long} and {window.short} "
                    f"windows exceed {_x(factor)}, and never pages",
                    [phase(60, good, budget), phase(80, slow, budget)],
                    {60 + 45: {"ticket": False, "page": False}, 60 + 75: {"ticket": True, "page": False}},
                )
            )
        if conditions:
            calm = min(f for _, f in conditions) * Decimal("0.95")
            nothing = {"page": False, "ticket": False}
            stories.append(
                Story(
                    f"a steady {_x(calm)} burn, just below the lowest factor, alerts nobody",
                    [phase(120, calm, budget)],
                    {30: nothing, 120: nothing},
                )
            )
        return stories

    def quiet_night(self, page: list[tuple[Any, Decimal]], volume: int) -> list[Story]:
        """Low traffic (the Workbook's limit): a burst of a few errors on a quiet night stops paging
        once the fast condition needs `volume` events, while a real outage at night still pages
        through a slower condition, whose longer window holds enough events."""
        (fast, fast_factor), (slow, _) = page[0], page[1]
        fast_long, slow_long, burst = _minutes(fast.long), _minutes(slow.long), _minutes(fast.short)
        per_minute = -(-volume * 6 // (5 * slow_long))  # 1.2 x volume over the slow window
        budget, good = self.budget, Decimal(0)
        # a burst just over the fast factor (x1.2) across the fast long window, bad events whole
        burn = min(fast_factor * Decimal("1.2") * fast_long / burst, Decimal("0.95") / budget)
        night = phase(slow_long, good, budget, per_minute)
        bursty = phase(burst, burn, budget, per_minute)
        outage = phase(10, 1 / budget, budget, per_minute)
        return [
            Story(
                f"a quiet night ({per_minute} events/min) with a {burst}m burst of {bursty.bad} errors/min "
                f"does not page: {fast.long} holds fewer than {volume} events",
                [night, bursty],
                {slow_long + burst: {"page": False}},
            ),
            Story(
                f"a real outage on a quiet night ({per_minute} events/min, all failing) still pages "
                f"over {slow.long}, which holds {volume}+ events",
                [night, outage],
                {slow_long + 10: {"page": True}},
            ),
        ]


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

    longest = max((seconds(w.long) for a in rules.burn_alerts for w, _ in a.conditions), default=Decimal(0))
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
