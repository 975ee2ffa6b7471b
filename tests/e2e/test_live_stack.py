"""The `local` environment live: real Prometheus and Alertmanager scrape, record, fire, route and inhibit.

A fake ERPGo API serves the catalog's metrics on 127.0.0.1; the spec's `local`
environment is loaded and its three local addresses (the API target, the
webhook receiver, Alertmanager) are moved to free ports through the model
before rendering, so nothing depends on a fixed port being free.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from erpgo_monctl.pipeline import load_model, render_model
from erpgo_monctl.render.prometheus import build_prometheus_config
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.model import Model, resolve, secret_path
from erpgo_monctl.spec.alertmanager import SlackConfig
from erpgo_monctl.validate import run_checks
from erpgo_monctl.write import write_tree
from tests.conftest import ERPGO_SPEC
from tests.e2e.conftest import Binaries, Server, Supervisor, free_ports, get_json, post_json, wait_until
from tests.e2e.fake_api import FakeErpgoApi, Traffic
from tests.e2e.webhook import WebhookReceiver

pytestmark = pytest.mark.e2e

API_JOB = "erpgo-api"
GROUP = {"alertname": "HighErrorRate", "service": API_JOB}


@dataclass
class LiveStack:
    model: Model
    api: FakeErpgoApi
    webhooks: WebhookReceiver
    prometheus: Server
    alertmanager: Server
    supervisor: Supervisor

    def query(self, promql: str) -> list[dict[str, Any]]:
        """Instant query through Prometheus' HTTP API."""
        url = f"{self.prometheus.url}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        answer = get_json(url)
        assert answer["status"] == "success", answer
        return list(answer["data"]["result"])

    def prometheus_alerts(self, name: str, state: str) -> list[dict[str, Any]]:
        alerts = get_json(f"{self.prometheus.url}/api/v1/alerts")["data"]["alerts"]
        return [a for a in alerts if a["labels"].get("alertname") == name and a["state"] == state]

    def am_alerts(self, **labels: str) -> list[dict[str, Any]]:
        """Alertmanager's alerts carrying all `labels`, inhibited and silenced ones included."""
        matchers = "&".join("filter=" + urllib.parse.quote(f'{k}="{v}"') for k, v in sorted(labels.items()))
        return list(get_json(f"{self.alertmanager.url}/api/v2/alerts?{matchers}"))

    def logs(self) -> str:
        return self.supervisor.logs() + f"\nwebhook paths so far: {self.webhooks.paths()}"


# Notification templates Alertmanager expands for every Slack message (validate checks them: E250)
SLACK_HOOK_FILE = "slack_on_call"
SLACK_TITLE = "{{ .CommonLabels.alertname }} is {{ .Status | toUpper }}"
SLACK_TEXT = "{{ range .Alerts }}{{ .Labels.service }}: {{ .Annotations.summary }}{{ end }}"


def with_local_addresses(model: Model, api_port: int, webhook_port: int) -> Model:
    """The `local` model with the API target and webhook receivers moved to this run's free ports,
    and a Slack message with templates for on-call (its hook URL: the webhook receiver's /slack)."""
    spec = model.spec.model_copy(deep=True)
    (api,) = [service for service in spec.services if service.name == API_JOB]
    api.targets = [f"127.0.0.1:{api_port}"]
    for receiver in spec.alertmanager.receivers:
        for hook in receiver.webhook:
            hook.url = urllib.parse.urlsplit(hook.url)._replace(netloc=f"127.0.0.1:{webhook_port}").geturl()
        if receiver.name == "on-call":
            receiver.slack.append(
                SlackConfig(
                    api_url_file=SLACK_HOOK_FILE, channel="#on-call", title=SLACK_TITLE, text=SLACK_TEXT
                )
            )
    return resolve(spec, model.source, env=model.env)


def render_local(model: Model, out: Path, alertmanager_port: int, webhook_port: int) -> None:
    """Every artifact of the environment, Prometheus told where this run's Alertmanager listens and
    Alertmanager where this run's Slack hook file is (a secret, mounted elsewhere in compose)."""
    write_tree(render_model(model), out)
    config = build_prometheus_config(model, [f"127.0.0.1:{alertmanager_port}"])
    (out / "configs" / "prometheus.yml").write_text(dump_yaml(config, model.header), encoding="utf-8")
    hook = out / SLACK_HOOK_FILE
    hook.write_text(f"http://127.0.0.1:{webhook_port}/slack", encoding="utf-8")
    alertmanager = out / "configs" / "alertmanager.yml"
    text = alertmanager.read_text(encoding="utf-8")
    assert secret_path(SLACK_HOOK_FILE) in text
    alertmanager.write_text(text.replace(secret_path(SLACK_HOOK_FILE), str(hook)), encoding="utf-8")


@pytest.fixture(scope="module")
def live_stack(
    binaries: Binaries, supervisor: Supervisor, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveStack]:
    local, _ = load_model(ERPGO_SPEC, "local")
    assert local.env == "local"
    work = tmp_path_factory.mktemp("live-stack")
    api, webhooks = FakeErpgoApi(local.spec.metrics), WebhookReceiver()
    api.start()
    webhooks.start()
    traffic = Traffic(api.url)
    try:
        prometheus_port, alertmanager_port = free_ports(2)
        model = with_local_addresses(local, api.port, webhooks.port)
        out = work / "out"
        render_local(model, out, alertmanager_port, webhooks.port)
        alertmanager = supervisor.start(
            "alertmanager",
            [
                binaries.alertmanager,
                f"--config.file={out / 'configs' / 'alertmanager.yml'}",
                f"--storage.path={work / 'alertmanager-data'}",
                f"--web.listen-address=127.0.0.1:{alertmanager_port}",
                "--cluster.listen-address=",
            ],
            f"http://127.0.0.1:{alertmanager_port}",
            work / "alertmanager.log",
        )
        prometheus = supervisor.start(
            "prometheus",
            [
                binaries.prometheus,
                f"--config.file={out / 'configs' / 'prometheus.yml'}",
                f"--storage.tsdb.path={work / 'prometheus-data'}",
                f"--web.listen-address=127.0.0.1:{prometheus_port}",
            ],
            f"http://127.0.0.1:{prometheus_port}",
            work / "prometheus.log",
        )
        supervisor.wait_ready(alertmanager)
        supervisor.wait_ready(prometheus)
        traffic.start()
        yield LiveStack(model, api, webhooks, prometheus, alertmanager, supervisor)
    finally:
        traffic.stop()
        supervisor.stop_all()
        api.stop()
        webhooks.stop()


@pytest.fixture(scope="module")
def firing(live_stack: LiveStack) -> LiveStack:
    """The stack after the API's error spike, once Prometheus reports HighErrorRate firing."""
    live_stack.api.spike()
    wait_until(
        "HighErrorRate to fire in Prometheus",
        lambda: live_stack.prometheus_alerts("HighErrorRate", "firing"),
        60,
        live_stack.logs,
    )
    return live_stack


def test_prometheus_scrapes_the_api_and_evaluates_recording_rules(live_stack: LiveStack) -> None:
    up = wait_until(
        "the erpgo-api target to be up",
        lambda: live_stack.query(f'up{{job="{API_JOB}"}} == 1'),
        30,
        live_stack.logs,
    )
    assert up[0]["metric"]["instance"] == f"127.0.0.1:{live_stack.api.port}"
    rate = wait_until(
        "job:http_requests:rate5m to have a series",
        lambda: live_stack.query("job:http_requests:rate5m > 0"),
        30,
        live_stack.logs,
    )
    assert [series["metric"] for series in rate] == [{"__name__": "job:http_requests:rate5m", "job": API_JOB}]
    wait_until(
        "business:orders_per_minute to have a series",
        lambda: live_stack.query("business:orders_per_minute > 0"),
        30,
        live_stack.logs,
    )
    usage = live_stack.query("job:db_connections_usage_percent")
    assert [float(series["value"][1]) for series in usage] == [12.0]


def test_every_catalog_metric_reaches_prometheus(live_stack: LiveStack) -> None:
    wait_until(
        "the erpgo-api target to be up",
        lambda: live_stack.query(f'up{{job="{API_JOB}"}} == 1'),
        30,
        live_stack.logs,
    )
    found = {s["metric"]["__name__"] for s in live_stack.query(f'{{job="{API_JOB}", __name__=~"erpgo_.+"}}')}
    suffix = {"histogram": "_bucket", "summary": "_count"}
    expected = {metric.name + suffix.get(metric.type, "") for metric in live_stack.model.spec.metrics}
    assert expected - found == set()


def test_error_spike_fires_high_error_rate_and_pages_on_call_grouped(firing: LiveStack) -> None:
    (alert,) = firing.prometheus_alerts("HighErrorRate", "firing")
    assert alert["labels"]["severity"] == "critical"
    assert alert["labels"]["service"] == API_JOB
    pages = wait_until(
        "the on-call webhook to receive HighErrorRate",
        lambda: [n for n in firing.webhooks.notifications("/on-call") if n["groupLabels"] == GROUP],
        30,
        firing.logs,
    )
    page = pages[0]
    assert page["receiver"] == "on-call"
    assert page["status"] == "firing"
    assert [a["labels"]["severity"] for a in page["alerts"]] == ["critical"]
    assert page["alerts"][0]["labels"]["cluster"] == "erpgo-local"

    (held,) = firing.am_alerts(alertname="HighErrorRate", severity="critical")
    assert held["status"]["state"] == "active"
    assert [receiver["name"] for receiver in held["receivers"]] == ["on-call"]
    groups = get_json(f"{firing.alertmanager.url}/api/v2/alerts/groups")
    (group,) = [g for g in groups if g["labels"] == GROUP and g["receiver"]["name"] == "on-call"]
    assert [a["labels"]["severity"] for a in group["alerts"]] == ["critical"]
    elsewhere = [
        path
        for path in firing.webhooks.paths()
        if path != "/on-call"
        and any(a["labels"].get("alertname") == "HighErrorRate" for a in firing.webhooks.alerts(path))
    ]
    assert elsewhere == [], "critical alerts route to on-call only"


def test_notification_templates_validate_accepts_render_on_a_live_alertmanager(firing: LiveStack) -> None:
    """The Slack title and text pass validate (E250) and Alertmanager expands them for the page."""
    assert [d for d in run_checks(firing.model) if d.code == "E250"] == []
    messages = wait_until(
        "the on-call Slack message for HighErrorRate",
        lambda: [
            m
            for m in firing.webhooks.notifications("/slack")
            if m.get("attachments") and m["attachments"][0].get("title") == "HighErrorRate is FIRING"
        ],
        30,
        firing.logs,
    )
    (attachment,) = messages[0]["attachments"]
    assert messages[0]["channel"] == "#on-call"
    assert attachment["text"] == f"{API_JOB}: High error rate detected in ERPGo API"


def test_warning_of_the_same_alert_and_service_is_inhibited_by_the_critical(firing: LiveStack) -> None:
    (critical,) = wait_until(
        "the critical HighErrorRate in Alertmanager",
        lambda: firing.am_alerts(alertname="HighErrorRate", severity="critical"),
        30,
        firing.logs,
    )
    now = datetime.now(UTC).isoformat()

    def synthetic(service: str) -> dict[str, Any]:
        return {
            "labels": {"alertname": "HighErrorRate", "severity": "warning", "service": service},
            "annotations": {"summary": "synthetic warning from the e2e test"},
            "startsAt": now,
            "generatorURL": "http://127.0.0.1/e2e",
        }

    post_json(f"{firing.alertmanager.url}/api/v2/alerts", [synthetic(API_JOB)])
    (warning,) = wait_until(
        "the synthetic warning to be suppressed",
        lambda: [
            a
            for a in firing.am_alerts(alertname="HighErrorRate", severity="warning", service=API_JOB)
            if a["status"]["state"] == "suppressed"
        ],
        15,
        firing.logs,
    )
    assert warning["status"]["inhibitedBy"] == [critical["fingerprint"]]
    assert [receiver["name"] for receiver in warning["receivers"]] == ["default"]

    # A control warning for another service takes the same route and is not inhibited: once it has
    # reached /default, the earlier, suppressed warning's group has been flushed without it.
    post_json(f"{firing.alertmanager.url}/api/v2/alerts", [synthetic("erpgo-worker")])
    wait_until(
        "the control warning to reach the default webhook",
        lambda: [a for a in firing.webhooks.alerts("/default") if a["labels"]["service"] == "erpgo-worker"],
        15,
        firing.logs,
    )
    (control,) = firing.am_alerts(alertname="HighErrorRate", service="erpgo-worker")
    assert control["status"]["state"] == "active"
    leaked = [
        a
        for path in firing.webhooks.paths()
        for a in firing.webhooks.alerts(path)
        if a["labels"].get("severity") == "warning" and a["labels"].get("service") == API_JOB
    ]
    assert leaked == []
