"""Alertmanager for the operator: an AlertmanagerConfig resource, or a Secret holding alertmanager.yaml.

Both are transforms of the compose target's alertmanager.yml (render/alertmanager.py), so
routes, receivers and inhibit rules — the SLO inhibit rule included — are the same.

- `alertmanager_config` mode: a namespaced AlertmanagerConfig. Matchers become
  `{name, matchType, value}`; the compose `global:` SMTP and Slack settings, which an
  AlertmanagerConfig cannot hold, are copied into each email and Slack receiver; every
  secret `*_file` becomes a SecretKeySelector naming a key of the Kubernetes Secret
  `kubernetes.alertmanager.secret_name` (never a value). `resolve_timeout` is global-only
  and is left to the Alertmanager CR.
- `secret` mode: a Secret with `alertmanager.yaml` for an Alertmanager CR's `configSecret`;
  its `*_file` paths point where the operator mounts the CR's `secrets:`
  (/etc/alertmanager/secrets/<secret>/<key>), so the Secret holds no secret value either.

`operator_alertmanager_config` does what the operator does with an AlertmanagerConfig
(receivers renamed `<namespace>/<name>/<receiver>`, a `namespace` matcher on the top route
and on both sides of every inhibit rule): `monctl check`, `monctl test` and `monctl routes`
run amtool and the route evaluator on that.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from erpgo_monctl.analysis.matchers import parse_matcher
from erpgo_monctl.render.alertmanager import build_alertmanager_config
from erpgo_monctl.render.kubernetes.resources import (
    ALERTMANAGER_SECRETS_MOUNT,
    MONITORING_V1ALPHA1,
    Settings,
    object_name,
    resource,
)
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.model import SECRETS_MOUNT, Model

CONFIG_KEY = "alertmanager.yaml"
NULL_RECEIVER = "null"  # the operator's root receiver when the CR's own configuration has none
TIMING = {"group_by": "groupBy", "group_wait": "groupWait", "group_interval": "groupInterval"}
TIMING["repeat_interval"] = "repeatInterval"
INTERVAL_KEYS = {"mute_time_intervals": "muteTimeIntervals", "active_time_intervals": "activeTimeIntervals"}


def secret_key(path: str) -> str:
    """The Secret key of a rendered `*_file` path: its name (/run/secrets/smtp_password -> smtp_password)."""
    return PurePosixPath(path).name


def _selector(path: str, settings: Settings) -> dict[str, str]:
    return {"name": settings.secret_name, "key": secret_key(path)}


def _matchers(texts: list[str]) -> list[dict[str, str]]:
    found = []
    for text in texts:
        matcher = parse_matcher(text)
        found.append({"name": matcher.label, "matchType": matcher.op, "value": matcher.value})
    return found


def _route(route: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    if "receiver" in route:
        converted["receiver"] = route["receiver"]
    if "matchers" in route:
        converted["matchers"] = _matchers(route["matchers"])
    for key, camel in TIMING.items():
        if key in route:
            converted[camel] = route[key]
    if route.get("continue"):
        converted["continue"] = True
    for key, camel in INTERVAL_KEYS.items():
        if route.get(key):
            converted[camel] = list(route[key])
    if "routes" in route:
        converted["routes"] = [_route(child) for child in route["routes"]]
    return converted


def _day_range(text: str) -> dict[str, int]:
    first, _, last = text.partition(":")
    return {"start": int(first), "end": int(last or first)}


def _time_interval(interval: dict[str, Any]) -> dict[str, Any]:
    """A compose `time_intervals` entry as the CRD's MuteTimeInterval (it has no `location`: E348)."""
    periods = []
    for period in interval["time_intervals"]:
        converted: dict[str, Any] = {}
        if "times" in period:
            converted["times"] = [
                {"startTime": t["start_time"], "endTime": t["end_time"]} for t in period["times"]
            ]
        if "weekdays" in period:
            converted["weekdays"] = list(period["weekdays"])
        if "days_of_month" in period:
            converted["daysOfMonth"] = [_day_range(day) for day in period["days_of_month"]]
        for key in ("months", "years"):
            if key in period:
                converted[key] = list(period[key])
        periods.append(converted)
    return {"name": interval["name"], "timeIntervals": periods}


def _email(email: dict[str, Any], global_: dict[str, Any], settings: Settings) -> dict[str, Any]:
    converted: dict[str, Any] = {"to": email["to"]}
    for key, camel in (("smtp_from", "from"), ("smtp_smarthost", "smarthost"), ("smtp_hello", "hello")):
        if key in global_:
            converted[camel] = global_[key]
    if "smtp_auth_username" in global_:
        converted["authUsername"] = global_["smtp_auth_username"]
    if "smtp_auth_password_file" in global_:
        converted["authPassword"] = _selector(global_["smtp_auth_password_file"], settings)
    if "smtp_require_tls" in global_:
        converted["requireTLS"] = global_["smtp_require_tls"]
    if "send_resolved" in email:
        converted["sendResolved"] = email["send_resolved"]
    headers = email.get("headers", {})
    if headers:
        converted["headers"] = [{"key": key, "value": value} for key, value in headers.items()]
    for key in ("text", "html"):
        if key in email:
            converted[key] = email[key]
    return converted


def _slack(slack: dict[str, Any], global_: dict[str, Any], settings: Settings) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    if "send_resolved" in slack:
        converted["sendResolved"] = slack["send_resolved"]
    api_url_file = slack.get("api_url_file") or global_.get("slack_api_url_file")
    if api_url_file:
        converted["apiURL"] = _selector(api_url_file, settings)
    for key in ("channel", "title", "text"):
        if key in slack:
            converted[key] = slack[key]
    return converted


def _webhook(hook: dict[str, Any], settings: Settings) -> dict[str, Any]:
    converted: dict[str, Any] = {"url": hook["url"]}
    if "send_resolved" in hook:
        converted["sendResolved"] = hook["send_resolved"]
    if "max_alerts" in hook:
        converted["maxAlerts"] = hook["max_alerts"]
    credentials = hook.get("http_config", {}).get("authorization", {}).get("credentials_file")
    if credentials:
        converted["httpConfig"] = {"authorization": {"credentials": _selector(credentials, settings)}}
    return converted


def _pagerduty(duty: dict[str, Any], settings: Settings) -> dict[str, Any]:
    converted: dict[str, Any] = {"routingKey": _selector(duty["routing_key_file"], settings)}
    if "send_resolved" in duty:
        converted["sendResolved"] = duty["send_resolved"]
    for key in ("severity", "description"):
        if key in duty:
            converted[key] = duty[key]
    return converted


def _receiver(receiver: dict[str, Any], global_: dict[str, Any], settings: Settings) -> dict[str, Any]:
    converted: dict[str, Any] = {"name": receiver["name"]}
    if "email_configs" in receiver:
        converted["emailConfigs"] = [_email(e, global_, settings) for e in receiver["email_configs"]]
    if "slack_configs" in receiver:
        converted["slackConfigs"] = [_slack(s, global_, settings) for s in receiver["slack_configs"]]
    if "webhook_configs" in receiver:
        converted["webhookConfigs"] = [_webhook(w, settings) for w in receiver["webhook_configs"]]
    if "pagerduty_configs" in receiver:
        converted["pagerdutyConfigs"] = [_pagerduty(p, settings) for p in receiver["pagerduty_configs"]]
    return converted


def alertmanager_config_name(model: Model) -> str:
    return object_name(model.spec.name)


def alertmanager_config(model: Model, settings: Settings) -> dict[str, Any]:
    """The AlertmanagerConfig resource of the spec's alertmanager section."""
    compose = build_alertmanager_config(model)
    global_ = compose.get("global", {})
    spec: dict[str, Any] = {"route": _route(compose["route"])}
    spec["receivers"] = [_receiver(r, global_, settings) for r in compose["receivers"]]
    inhibit = [
        {
            "sourceMatch": _matchers(rule["source_matchers"]),
            "targetMatch": _matchers(rule["target_matchers"]),
            **({"equal": list(rule["equal"])} if rule.get("equal") else {}),
        }
        for rule in compose.get("inhibit_rules", [])
    ]
    if inhibit:
        spec["inhibitRules"] = inhibit
    if compose.get("time_intervals"):
        spec["muteTimeIntervals"] = [_time_interval(t) for t in compose["time_intervals"]]
    name = alertmanager_config_name(model)
    return resource(MONITORING_V1ALPHA1, "AlertmanagerConfig", name, settings, {"spec": spec})


def _mounted(value: Any, settings: Settings) -> Any:
    """`value` with every compose secret path moved to the operator's mount of the Secret."""
    if isinstance(value, dict):
        return {
            key: (
                f"{ALERTMANAGER_SECRETS_MOUNT}/{settings.secret_name}/{secret_key(item)}"
                if key.endswith("_file") and isinstance(item, str) and item.startswith(SECRETS_MOUNT + "/")
                else _mounted(item, settings)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_mounted(item, settings) for item in value]
    return value


def alertmanager_secret(model: Model, settings: Settings) -> dict[str, Any]:
    """The Secret holding the whole alertmanager.yaml (mode secret): no secret value, only file paths."""
    config = _mounted(build_alertmanager_config(model), settings)
    body = {"type": "Opaque", "stringData": {CONFIG_KEY: dump_yaml(config, model.header)}}
    return resource("v1", "Secret", settings.config_secret_name, settings, body)


def alertmanager_resources(model: Model, settings: Settings) -> list[dict[str, Any]]:
    """The AlertmanagerConfig or Secret of the spec's `alertmanager:` (none without the section)."""
    if model.spec.alertmanager is None:
        return []
    if settings.alertmanager_mode == "secret":
        return [alertmanager_secret(model, settings)]
    return [alertmanager_config(model, settings)]
