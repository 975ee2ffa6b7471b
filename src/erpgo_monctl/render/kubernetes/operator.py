"""What prometheus-operator makes of an AlertmanagerConfig: the alertmanager.yml fragment it generates.

The operator (pkg/alertmanager/amcfg.go, `alertmanagerConfigMatcherStrategy: OnNamespace`,
its default) merges every selected AlertmanagerConfig under the root route of the
Alertmanager's own configuration:

- receivers (and every `receiver:` of its routes) are renamed `<namespace>/<name>/<receiver>`;
- its top route becomes a child of the root with `continue: true` and the matcher
  `namespace="<namespace>"` in front of its own: only alerts carrying that label enter it;
- both sides of every inhibit rule get the same `namespace` matcher;
- its time intervals (`muteTimeIntervals`) are renamed like receivers, and so are the routes' references.

A root route with the `"null"` receiver stands for the cluster's own configuration (what
kube-prometheus-stack ships). Secrets are written as `*_file` paths under the operator's
secret mount; the operator inlines their values, which makes no difference to amtool or
to routing. `monctl check` and `monctl test` run amtool on this, `monctl routes` evaluates it.
"""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render.kubernetes.alertmanager import INTERVAL_KEYS, NULL_RECEIVER, TIMING
from erpgo_monctl.render.kubernetes.resources import ALERTMANAGER_SECRETS_MOUNT

CAMEL_TIMING = {camel: key for key, camel in TIMING.items()}


def receiver_name(namespace: str, name: str, receiver: str) -> str:
    return f"{namespace}/{name}/{receiver}"


def _matcher_text(matcher: dict[str, Any]) -> str:
    value = str(matcher.get("value", "")).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'{matcher["name"]}{matcher.get("matchType", "=")}"{value}"'


def _file(selector: dict[str, Any]) -> str:
    return f"{ALERTMANAGER_SECRETS_MOUNT}/{selector['name']}/{selector['key']}"


def _route(route: dict[str, Any], rename: Any) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    if route.get("receiver"):
        converted["receiver"] = rename(route["receiver"])
    if route.get("matchers"):
        converted["matchers"] = [_matcher_text(m) for m in route["matchers"]]
    for camel, key in CAMEL_TIMING.items():
        if camel in route:
            converted[key] = route[camel]
    if route.get("continue"):
        converted["continue"] = True
    for key, camel in INTERVAL_KEYS.items():
        if route.get(camel):
            converted[key] = [rename(name) for name in route[camel]]  # named like receivers
    if route.get("routes"):
        converted["routes"] = [_route(child, rename) for child in route["routes"]]
    return converted


def _email(email: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {"to": email["to"]}
    plain = {"from": "from", "smarthost": "smarthost", "hello": "hello", "authUsername": "auth_username"}
    for camel, key in plain.items():
        if camel in email:
            converted[key] = email[camel]
    if "authPassword" in email:
        converted["auth_password_file"] = _file(email["authPassword"])
    if "requireTLS" in email:
        converted["require_tls"] = email["requireTLS"]
    if "sendResolved" in email:
        converted["send_resolved"] = email["sendResolved"]
    if email.get("headers"):
        converted["headers"] = {h["key"]: h["value"] for h in email["headers"]}
    for key in ("text", "html"):
        if key in email:
            converted[key] = email[key]
    return converted


def _receiver(receiver: dict[str, Any], rename: Any) -> dict[str, Any]:
    converted: dict[str, Any] = {"name": rename(receiver["name"])}
    if receiver.get("emailConfigs"):
        converted["email_configs"] = [_email(e) for e in receiver["emailConfigs"]]
    if receiver.get("slackConfigs"):
        slacks = []
        for slack in receiver["slackConfigs"]:
            entry: dict[str, Any] = {}
            if "sendResolved" in slack:
                entry["send_resolved"] = slack["sendResolved"]
            if "apiURL" in slack:
                entry["api_url_file"] = _file(slack["apiURL"])
            entry.update({key: slack[key] for key in ("channel", "title", "text") if key in slack})
            slacks.append(entry)
        converted["slack_configs"] = slacks
    if receiver.get("webhookConfigs"):
        hooks = []
        for hook in receiver["webhookConfigs"]:
            entry = {"url": hook["url"]}
            if "sendResolved" in hook:
                entry["send_resolved"] = hook["sendResolved"]
            if "maxAlerts" in hook:
                entry["max_alerts"] = hook["maxAlerts"]
            credentials = hook.get("httpConfig", {}).get("authorization", {}).get("credentials")
            if credentials:
                entry["http_config"] = {"authorization": {"credentials_file": _file(credentials)}}
            hooks.append(entry)
        converted["webhook_configs"] = hooks
    if receiver.get("pagerdutyConfigs"):
        duties = []
        for duty in receiver["pagerdutyConfigs"]:
            entry = {"routing_key_file": _file(duty["routingKey"])}
            if "sendResolved" in duty:
                entry["send_resolved"] = duty["sendResolved"]
            entry.update({key: duty[key] for key in ("severity", "description") if key in duty})
            duties.append(entry)
        converted["pagerduty_configs"] = duties
    return converted


def operator_alertmanager_config(document: dict[str, Any]) -> dict[str, Any]:
    """The alertmanager.yml the operator generates from one AlertmanagerConfig (under a "null" root)."""
    namespace = document["metadata"]["namespace"]
    name = document["metadata"]["name"]
    spec = document.get("spec", {})

    def rename(receiver: str) -> str:
        return receiver_name(namespace, name, receiver)

    in_namespace = f'namespace="{namespace}"'
    top = _route(spec.get("route", {}), rename)
    top = {
        "receiver": top.pop("receiver", NULL_RECEIVER),
        "matchers": [in_namespace, *top.pop("matchers", [])],
        **top,
        "continue": True,
    }
    config: dict[str, Any] = {"route": {"receiver": NULL_RECEIVER, "routes": [top]}}
    inhibit = [
        {
            "source_matchers": [in_namespace, *(_matcher_text(m) for m in rule.get("sourceMatch", []))],
            "target_matchers": [in_namespace, *(_matcher_text(m) for m in rule.get("targetMatch", []))],
            **({"equal": list(rule["equal"])} if rule.get("equal") else {}),
        }
        for rule in spec.get("inhibitRules", [])
    ]
    if inhibit:
        config["inhibit_rules"] = inhibit
    receivers = [_receiver(r, rename) for r in spec.get("receivers", [])]
    config["receivers"] = [{"name": NULL_RECEIVER}, *receivers]
    intervals = [_time_interval(t, rename) for t in spec.get("muteTimeIntervals", [])]
    if intervals:
        config["time_intervals"] = intervals
    return config


def _time_interval(interval: dict[str, Any], rename: Any) -> dict[str, Any]:
    periods = []
    for period in interval.get("timeIntervals", []):
        converted: dict[str, Any] = {}
        if period.get("times"):
            converted["times"] = [
                {"start_time": t["startTime"], "end_time": t["endTime"]} for t in period["times"]
            ]
        if period.get("weekdays"):
            converted["weekdays"] = list(period["weekdays"])
        if period.get("daysOfMonth"):
            converted["days_of_month"] = [f"{d['start']}:{d['end']}" for d in period["daysOfMonth"]]
        for key in ("months", "years"):
            if period.get(key):
                converted[key] = list(period[key])
        periods.append(converted)
    return {"name": rename(interval["name"]), "time_intervals": periods}
