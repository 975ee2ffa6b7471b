"""Alertmanager's time-interval semantics in Python, for `monctl routes --at TIME`.

A named interval is in effect when any of its periods contains the instant; a period contains it
when every field it gives matches, read in its `location` (UTC by default): a time range
includes its start minute and excludes its end, negative days count from the month's end.
Mute and active intervals apply to the route that names them only (children do not inherit
them), and they never change routing: a muted route still takes the alert from later siblings.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from erpgo_monctl.spec.alertmanager import Route
from erpgo_monctl.spec.time_intervals import (
    TimeInterval,
    TimePeriod,
    day_range,
    minutes_of,
    month_range,
    weekday_range,
    year_range,
)


def _day_matches(spec: str, day: int, days_in_month: int) -> bool:
    first, last = day_range(spec)
    start = first if first > 0 else days_in_month + first + 1
    end = last if last > 0 else days_in_month + last + 1
    return start <= day <= end


def period_contains(period: TimePeriod, at: datetime) -> bool:
    local = at.astimezone(ZoneInfo(period.location) if period.location else UTC)
    minute = local.hour * 60 + local.minute
    if period.times and not any(
        minutes_of(t.start_time) <= minute < minutes_of(t.end_time) for t in period.times
    ):
        return False
    weekday = (local.weekday() + 1) % 7  # Go's time.Weekday: sunday = 0
    if period.weekdays and not any(a <= weekday <= b for a, b in map(weekday_range, period.weekdays)):
        return False
    days = calendar.monthrange(local.year, local.month)[1]
    if period.days_of_month and not any(_day_matches(d, local.day, days) for d in period.days_of_month):
        return False
    if period.months and not any(a <= local.month <= b for a, b in map(month_range, period.months)):
        return False
    return not period.years or any(a <= local.year <= b for a, b in map(year_range, period.years))


def interval_active(interval: TimeInterval, at: datetime) -> bool:
    return any(period_contains(period, at) for period in interval.time_intervals)


def silenced_by(route: Route, intervals: Mapping[str, TimeInterval], at: datetime) -> str | None:
    """Why `route` sends nothing at `at` (a mute interval in effect, or outside its active ones), or None."""
    for name in route.mute_time_intervals:
        interval = intervals.get(name)
        if interval is not None and interval_active(interval, at):
            return f"muted by {name}"
    if route.active_time_intervals and not any(
        (interval := intervals.get(name)) is not None and interval_active(interval, at)
        for name in route.active_time_intervals
    ):
        return f"outside {', '.join(route.active_time_intervals)}"
    return None
