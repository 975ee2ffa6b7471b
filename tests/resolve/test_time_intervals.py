"""Alertmanager time-interval semantics, as `monctl routes --at` evaluates them."""

from __future__ import annotations

from datetime import UTC, datetime

from erpgo_monctl.resolve.time_intervals import interval_active, period_contains, silenced_by
from erpgo_monctl.spec.alertmanager import Route
from erpgo_monctl.spec.time_intervals import TimeInterval, TimePeriod

SUNDAY_0230 = datetime(2026, 11, 29, 2, 30, tzinfo=UTC)
MAINTENANCE = TimeInterval.model_validate(
    {
        "name": "maintenance",
        "time_intervals": [{"weekdays": ["sunday"], "times": [{"start_time": "02:00", "end_time": "04:00"}]}],
    }
)


def test_a_range_includes_its_start_and_excludes_its_end() -> None:
    assert interval_active(MAINTENANCE, datetime(2026, 11, 29, 2, 0, tzinfo=UTC))
    assert not interval_active(MAINTENANCE, datetime(2026, 11, 29, 4, 0, tzinfo=UTC))
    assert not interval_active(MAINTENANCE, datetime(2026, 11, 30, 2, 30, tzinfo=UTC))  # a monday


def test_location_shifts_the_clock_and_negative_days_count_from_the_end() -> None:
    berlin = TimePeriod.model_validate(
        {"times": [{"start_time": "03:00", "end_time": "04:00"}], "location": "Europe/Berlin"}
    )
    assert period_contains(berlin, SUNDAY_0230)  # 03:30 in Berlin
    last_day = TimePeriod.model_validate({"days_of_month": ["-1"]})
    assert period_contains(last_day, datetime(2026, 2, 28, tzinfo=UTC))
    assert not period_contains(last_day, datetime(2026, 2, 27, tzinfo=UTC))


def test_a_route_is_silent_when_muted_or_outside_its_active_intervals() -> None:
    intervals = {"maintenance": MAINTENANCE}
    muted = Route.model_validate({"receiver": "team", "mute_time_intervals": ["maintenance"]})
    active = Route.model_validate({"receiver": "team", "active_time_intervals": ["maintenance"]})
    assert silenced_by(muted, intervals, SUNDAY_0230) == "muted by maintenance"
    assert silenced_by(active, intervals, SUNDAY_0230) is None
    monday = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert silenced_by(muted, intervals, monday) is None
    assert silenced_by(active, intervals, monday) == "outside maintenance"
