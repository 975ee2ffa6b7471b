"""alertmanager.yml pieces beyond the classic receivers: Opsgenie, VictorOps, SNS, Webex, time intervals."""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render.scrape import http_client
from erpgo_monctl.resolve.model import secret_path
from erpgo_monctl.spec.alertmanager import Receiver
from erpgo_monctl.spec.receivers import Notifier
from erpgo_monctl.spec.time_intervals import TimeInterval
from erpgo_monctl.spec.types import Strict

_SECRET_KEYS = ("api_key_file",)


def _entry(config: Notifier, keys: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if config.send_resolved is not None:
        data["send_resolved"] = config.send_resolved
    for key in keys:
        value = getattr(config, key)
        if value is None or value == {} or value == []:
            continue
        if key in _SECRET_KEYS:
            value = secret_path(value)
        elif isinstance(value, Strict):
            value = value.model_dump(exclude_none=True)
        elif isinstance(value, dict):
            value = dict(sorted(value.items()))
        data[key] = value
    if config.http_config is not None:
        rendered = http_client(config.http_config)
        if rendered:
            data["http_config"] = rendered
    return data


# rendered keys of each integration, in output order
_KEYS: dict[str, tuple[str, ...]] = {
    "opsgenie": ("api_key_file", "api_url", "message", "description", "source", "priority", "tags", "note"),
    "victorops": (
        "api_key_file",
        "routing_key",
        "api_url",
        "message_type",
        "entity_display_name",
        "state_message",
    ),
    "sns": (
        "topic_arn",
        "phone_number",
        "target_arn",
        "api_url",
        "sigv4",
        "subject",
        "message",
        "attributes",
    ),
    "webex": ("room_id", "api_url", "message"),
}


def other_integrations(receiver: Receiver) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, keys in _KEYS.items():
        configs: list[Notifier] = getattr(receiver, name)
        if configs:
            data[f"{name}_configs"] = [_entry(c, keys) for c in configs]
    return data


def time_interval(interval: TimeInterval) -> dict[str, Any]:
    periods = []
    for period in interval.time_intervals:
        entry: dict[str, Any] = {}
        if period.times:
            entry["times"] = [{"start_time": t.start_time, "end_time": t.end_time} for t in period.times]
        for key in ("weekdays", "days_of_month", "months", "years"):
            value = getattr(period, key)
            if value:
                entry[key] = list(value)
        if period.location:
            entry["location"] = period.location
        periods.append(entry)
    return {"name": interval.name, "time_intervals": periods}
