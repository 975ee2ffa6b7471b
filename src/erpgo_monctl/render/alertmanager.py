"""configs/alertmanager.yml with modern `matchers`, subjects in `headers`, secrets as files."""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render.receivers import other_integrations, time_interval
from erpgo_monctl.render.scrape import http_client
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.layout import COMPOSE, notification_template_path
from erpgo_monctl.resolve.model import Model, secret_path
from erpgo_monctl.spec.alertmanager import Receiver, RootRoute, Route
from erpgo_monctl.spec.scrape import HTTPClient


def _timing(route: RootRoute | Route, data: dict[str, Any]) -> None:
    if route.group_by is not None:
        data["group_by"] = list(route.group_by)
    for key in ("group_wait", "group_interval", "repeat_interval"):
        value = getattr(route, key)
        if value is not None:
            data[key] = value


def _route(route: Route) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if route.receiver:
        data["receiver"] = route.receiver
    if route.matchers:
        data["matchers"] = list(route.matchers)
    _timing(route, data)
    if route.continue_:
        data["continue"] = True
    if route.mute_time_intervals:
        data["mute_time_intervals"] = list(route.mute_time_intervals)
    if route.active_time_intervals:
        data["active_time_intervals"] = list(route.active_time_intervals)
    if route.routes:
        data["routes"] = [_route(child) for child in route.routes]
    return data


def _receiver(receiver: Receiver) -> dict[str, Any]:
    data: dict[str, Any] = {"name": receiver.name}
    if receiver.email:
        emails = []
        for email in receiver.email:
            entry: dict[str, Any] = {"to": email.to}
            if email.send_resolved is not None:
                entry["send_resolved"] = email.send_resolved
            if email.subject:
                entry["headers"] = {"Subject": email.subject}
            if email.text:
                entry["text"] = email.text
            if email.html:
                entry["html"] = email.html
            emails.append(entry)
        data["email_configs"] = emails
    if receiver.slack:
        slacks = []
        for slack in receiver.slack:
            entry = {}
            if slack.send_resolved is not None:
                entry["send_resolved"] = slack.send_resolved
            if slack.api_url_file:
                entry["api_url_file"] = secret_path(slack.api_url_file)
            entry["channel"] = slack.channel
            if slack.title:
                entry["title"] = slack.title
            if slack.text:
                entry["text"] = slack.text
            _http_config(slack.http_config, entry)
            slacks.append(entry)
        data["slack_configs"] = slacks
    if receiver.webhook:
        hooks = []
        for hook in receiver.webhook:
            entry = {"url": hook.url}
            if hook.send_resolved is not None:
                entry["send_resolved"] = hook.send_resolved
            if hook.max_alerts is not None:
                entry["max_alerts"] = hook.max_alerts
            _http_config(hook.http_config, entry)
            if hook.credentials_file:
                entry.setdefault("http_config", {})["authorization"] = {
                    "credentials_file": secret_path(hook.credentials_file)
                }
            hooks.append(entry)
        data["webhook_configs"] = hooks
    if receiver.pagerduty:
        duties = []
        for duty in receiver.pagerduty:
            entry = {"routing_key_file": secret_path(duty.routing_key_file)}
            if duty.send_resolved is not None:
                entry["send_resolved"] = duty.send_resolved
            if duty.severity:
                entry["severity"] = duty.severity
            if duty.description:
                entry["description"] = duty.description
            _http_config(duty.http_config, entry)
            duties.append(entry)
        data["pagerduty_configs"] = duties
    data.update(other_integrations(receiver))
    return data


def _http_config(client: HTTPClient | None, entry: dict[str, Any]) -> None:
    if client is not None:
        rendered = http_client(client)
        if rendered:
            entry["http_config"] = rendered


def build_alertmanager_config(model: Model) -> dict[str, Any]:
    """The alertmanager.yml document as plain data."""
    am = model.spec.alertmanager
    assert am is not None
    global_: dict[str, Any] = {}
    if am.resolve_timeout:
        global_["resolve_timeout"] = am.resolve_timeout
    if am.smtp:
        global_["smtp_smarthost"] = am.smtp.smarthost
        global_["smtp_from"] = am.smtp.from_
        if am.smtp.hello:
            global_["smtp_hello"] = am.smtp.hello
        if am.smtp.auth_username:
            global_["smtp_auth_username"] = am.smtp.auth_username
        if am.smtp.auth_password_file:
            global_["smtp_auth_password_file"] = secret_path(am.smtp.auth_password_file)
        global_["smtp_require_tls"] = am.smtp.require_tls
    if am.slack_api_url_file:
        global_["slack_api_url_file"] = secret_path(am.slack_api_url_file)
    root: dict[str, Any] = {"receiver": am.route.receiver}
    _timing(am.route, root)
    if am.route.routes:
        root["routes"] = [_route(child) for child in am.route.routes]
    config: dict[str, Any] = {}
    if global_:
        config["global"] = global_
    config["route"] = root
    if model.time_intervals:
        config["time_intervals"] = [time_interval(t) for t in model.time_intervals.values()]
    if am.templates:
        # relative to alertmanager.yml's directory, where the template directory sits beside it
        base = COMPOSE.path("alertmanager").parent
        config["templates"] = [
            str(notification_template_path(t.name).relative_to(base)) for t in am.templates
        ]
    inhibit_rules = [
        {
            "source_matchers": list(rule.source_matchers),
            "target_matchers": list(rule.target_matchers),
            **({"equal": list(rule.equal)} if rule.equal else {}),
        }
        for rule in am.inhibit_rules
    ]
    inhibit_rules += [  # generated: a firing SLO page silences that SLO's ticket
        {
            "source_matchers": list(r.source_matchers),
            "target_matchers": list(r.target_matchers),
            "equal": list(r.equal),
        }
        for r in model.inhibit_rules
    ]
    if inhibit_rules:
        config["inhibit_rules"] = inhibit_rules
    config["receivers"] = [_receiver(r) for r in am.receivers]
    return config


def render(model: Model) -> Files:
    """Render configs/alertmanager.yml and its notification template files (with `alertmanager:`)."""
    if model.spec.alertmanager is None:
        return {}
    text = dump_yaml(build_alertmanager_config(model), model.header)
    files: Files = {COMPOSE.path("alertmanager"): text.encode()}
    for template in model.spec.alertmanager.templates:
        body = "{{/* " + model.header.replace("\n", " | ") + " */}}\n" + template.text.rstrip("\n") + "\n"
        files[notification_template_path(template.name)] = body.encode()
    return files
