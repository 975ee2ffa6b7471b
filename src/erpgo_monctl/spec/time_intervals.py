"""Spec models for Alertmanager's named time intervals (business hours, maintenance windows).

Shapes follow Alertmanager's `time_intervals` (0.24+): every range is checked the way
Alertmanager parses it, so `amtool check-config` never sees one it refuses, and
`monctl routes --at` can evaluate the same intervals in Python (resolve/time_intervals.py).
"""

from __future__ import annotations

import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, field_validator, model_validator

from erpgo_monctl.spec.types import Strict

WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_TIME_RE = re.compile(r"([01][0-9]|2[0-4]):([0-5][0-9])")


def minutes_of(text: str) -> int:
    """Minutes since midnight of a validated HH:MM."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _check_time(value: str) -> str:
    found = _TIME_RE.fullmatch(value)
    if not found or (found[1] == "24" and found[2] != "00"):
        raise ValueError(f"{value!r} is not a time of day: write HH:MM from 00:00 to 24:00 (e.g. 09:00)")
    return value


TimeOfDay = Annotated[str, AfterValidator(_check_time)]


def split_range(text: str) -> tuple[str, str]:
    start, sep, end = text.partition(":")
    return (start, end) if sep else (start, start)


def _named_or_number(part: str, names: tuple[str, ...], low: int, high: int, what: str) -> int:
    if part.lower() in names:
        return names.index(part.lower()) + low
    if re.fullmatch(r"-?[0-9]+", part) and low <= int(part) <= high:
        return int(part)
    choices = f"{names[0]}..{names[-1]}" if names else f"{low}..{high}"
    raise ValueError(f"{part!r} is not a {what} ({choices})")


def weekday_range(text: str) -> tuple[int, int]:
    start, end = split_range(text)
    first = _named_or_number(start, WEEKDAYS, 0, -1, "weekday") if start else -1
    last = _named_or_number(end, WEEKDAYS, 0, -1, "weekday") if end else -1
    if first > last:
        raise ValueError(f"{text!r}: the range ends before it starts (write it from the earlier day)")
    return first, last


def month_range(text: str) -> tuple[int, int]:
    start, end = split_range(text)
    first = _named_or_number(start, MONTHS, 1, 12, "month")
    last = _named_or_number(end, MONTHS, 1, 12, "month")
    if first > last:
        raise ValueError(f"{text!r}: the range ends before it starts")
    return first, last


def day_range(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(-?[0-9]+)(?::(-?[0-9]+))?", text)
    if not match:
        raise ValueError(f"{text!r} is not a day of the month or a range (e.g. 1, 1:7, -1 for the last day)")
    first = int(match[1])
    last = int(match[2]) if match[2] else first
    for day in (first, last):
        if day == 0 or not -31 <= day <= 31:
            raise ValueError(f"{text!r}: days of the month are 1..31, or -31..-1 counted from the end")
    if (first > 0) == (last > 0) and first > last:
        raise ValueError(f"{text!r}: the range ends before it starts")
    if first > 0 > last:
        return first, last  # 20:-1: from the 20th to the last day
    if first < 0 < last:
        raise ValueError(f"{text!r}: a range from a negative day to a positive one is not allowed")
    return first, last


def year_range(text: str) -> tuple[int, int]:
    start, end = split_range(text)
    if not (start.isdigit() and end.isdigit()):
        raise ValueError(f"{text!r} is not a year or a range of years (e.g. 2026 or 2026:2027)")
    if int(start) > int(end):
        raise ValueError(f"{text!r}: the range ends before it starts")
    return int(start), int(end)


class TimeRange(Strict):
    start_time: TimeOfDay
    end_time: TimeOfDay

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        if minutes_of(self.start_time) >= minutes_of(self.end_time):
            raise ValueError(
                f"start_time {self.start_time} is not before end_time {self.end_time}; "
                "split an overnight window into two ranges (22:00-24:00 and 00:00-06:00)"
            )
        return self


class TimePeriod(Strict):
    """One period: every given field must match (empty fields match everything)."""

    times: list[TimeRange] = Field(default_factory=list)
    weekdays: list[str] = Field(default_factory=list, description="e.g. monday:friday")
    days_of_month: list[str] = Field(default_factory=list, description="e.g. 1:7, -1")
    months: list[str] = Field(default_factory=list, description="e.g. january:march, 12")
    years: list[str] = Field(default_factory=list, description="e.g. 2026:2027")
    location: str | None = Field(default=None, description="IANA time zone, e.g. Europe/Berlin; default UTC")

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: list[str]) -> list[str]:
        for item in value:
            weekday_range(item)
        return value

    @field_validator("days_of_month")
    @classmethod
    def _days(cls, value: list[str]) -> list[str]:
        for item in value:
            day_range(item)
        return value

    @field_validator("months")
    @classmethod
    def _months(cls, value: list[str]) -> list[str]:
        for item in value:
            month_range(item)
        return value

    @field_validator("years")
    @classmethod
    def _years(cls, value: list[str]) -> list[str]:
        for item in value:
            year_range(item)
        return value

    @field_validator("location")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"{value!r} is not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)"
                ) from None
        return value


class TimeInterval(Strict):
    """A named set of periods routes can be muted in (`mute_time_intervals`) or active in only."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    time_intervals: list[TimePeriod] = Field(min_length=1)
    description: str = ""
