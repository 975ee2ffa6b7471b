"""Real exporters live: a blackbox probe fails, its alert fires and is routed, and a muted route stays silent.

A small spec (built here, everything on 127.0.0.1 and free ports) is rendered and run by the real
servers: Prometheus, Alertmanager, Debian's prometheus-blackbox-exporter probing a local HTTP
server, and prometheus-node-exporter. The test stops the HTTP server; ProbeTargetDown (the
opt-in probe alert) must fire in Prometheus and reach the webhook of its route, while a
sibling route muted by a time interval covering every minute of every day receives nothing.
"""

from __future__ import annotations

import shutil
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import yaml

from erpgo_monctl.pipeline import load_model, render_model
from erpgo_monctl.write import write_tree
from tests.e2e.conftest import Binaries, Server, Supervisor, free_ports, get_json, wait_until
from tests.e2e.loopback import LoopbackServer
from tests.e2e.webhook import WebhookReceiver

pytestmark = pytest.mark.e2e

PROBE_JOB = "probe-site"


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


def probe_spec(site: str, blackbox: str, node: str, alertmanager: str, webhooks: str) -> dict[str, Any]:
    """The spec under test: a node exporter job, an http probe with its alerts, a muted and a live route."""
    return {
        "version": 1,
        "name": "probes",
        "prometheus": {
            "scrape_interval": "1s",
            "evaluation_interval": "1s",
            "scrape_timeout": "1s",
            "alertmanagers": [alertmanager],
        },
        "exporters": [{"name": "node", "kind": "node", "targets": [node]}],
        "probes": {
            "exporter": blackbox,
            "modules": [{"name": "http_2xx", "prober": "http", "timeout": "1s", "http": {"method": "GET"}}],
            "jobs": [{"name": PROBE_JOB, "module": "http_2xx", "targets": [f"{site}/health"]}],
            "alerts": {"target_down": {"enabled": True, "for": "1s"}},
        },
        "alertmanager": {
            "time_intervals": [
                {
                    "name": "always",
                    "time_intervals": [
                        {
                            "weekdays": ["sunday:saturday"],
                            "times": [{"start_time": "00:00", "end_time": "24:00"}],
                        }
                    ],
                }
            ],
            "route": {
                "receiver": "default",
                "group_by": ["alertname"],
                "group_wait": "1s",
                "group_interval": "1s",
                "repeat_interval": "2s",
                "routes": [
                    {
                        "receiver": "muted",
                        "matchers": ['alertname="ProbeTargetDown"'],
                        "mute_time_intervals": ["always"],
                        "continue": True,
                    },
                    {"receiver": "probe", "matchers": ['alertname="ProbeTargetDown"']},
                ],
            },
            "receivers": [
                {"name": name, "webhook": [{"url": f"{webhooks}/{name}"}]}
                for name in ("default", "muted", "probe")
            ],
        },
        "stack": {
            "prometheus": {"image": "prom/prometheus:v3.5.0"},
            "alertmanager": {"image": "prom/alertmanager:v0.28.1"},
            "grafana": {"image": "grafana/grafana:12.2.0"},
        },
    }


@dataclass
class ProbeStack:
    site: LoopbackServer
    webhooks: WebhookReceiver
    prometheus: Server
    alertmanager: Server
    supervisor: Supervisor

    def query(self, promql: str) -> list[dict[str, Any]]:
        url = f"{self.prometheus.url}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        answer = get_json(url)
        assert answer["status"] == "success", answer
        return list(answer["data"]["result"])

    def firing(self, name: str) -> list[dict[str, Any]]:
        alerts = get_json(f"{self.prometheus.url}/api/v1/alerts")["data"]["alerts"]
        return [a for a in alerts if a["labels"].get("alertname") == name and a["state"] == "firing"]

    def logs(self) -> str:
        return self.supervisor.logs() + f"\nwebhook paths so far: {self.webhooks.paths()}"


def _exporter(supervisor: Supervisor, name: str, argv: list[str], url: str, log: Path) -> Server:
    server = supervisor.start(name, argv, url, log)

    def answers() -> bool:
        if server.process.poll() is not None:
            raise AssertionError(f"{name} exited with {server.process.returncode}\n{server.log_tail()}")
        with urllib.request.urlopen(f"{url}/metrics", timeout=2) as response:
            return bool(response.status == 200)

    wait_until(f"{name} to answer at {url}", answers, 30, server.log_tail)
    return server


@pytest.fixture(scope="module")
def probe_stack(
    binaries: Binaries, supervisor: Supervisor, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProbeStack]:
    blackbox_bin = shutil.which("prometheus-blackbox-exporter")
    node_bin = shutil.which("prometheus-node-exporter")
    if blackbox_bin is None or node_bin is None:
        pytest.skip("apt-get install prometheus-blackbox-exporter prometheus-node-exporter (or `make tools`)")
    work = tmp_path_factory.mktemp("probes")
    site, webhooks = LoopbackServer(_Health, "probed-site"), WebhookReceiver()
    site.start()
    webhooks.start()
    try:
        prometheus_port, alertmanager_port, blackbox_port, node_port = free_ports(4)
        data = probe_spec(
            site.url,
            f"127.0.0.1:{blackbox_port}",
            f"127.0.0.1:{node_port}",
            f"127.0.0.1:{alertmanager_port}",
            webhooks.url,
        )
        spec = work / "probes.yaml"
        spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        model, _ = load_model(spec)  # validate accepts it: what runs below is what a user would render
        out = work / "out"
        write_tree(render_model(model), out)
        configs = out / "configs"
        _exporter(
            supervisor,
            "blackbox-exporter",
            [
                blackbox_bin,
                f"--config.file={configs / 'blackbox.yml'}",
                f"--web.listen-address=127.0.0.1:{blackbox_port}",
            ],
            f"http://127.0.0.1:{blackbox_port}",
            work / "blackbox.log",
        )
        _exporter(
            supervisor,
            "node-exporter",
            [
                node_bin,
                f"--web.listen-address=127.0.0.1:{node_port}",
                "--collector.disable-defaults",
                "--collector.loadavg",
            ],
            f"http://127.0.0.1:{node_port}",
            work / "node-exporter.log",
        )
        alertmanager = supervisor.start(
            "alertmanager",
            [
                binaries.alertmanager,
                f"--config.file={configs / 'alertmanager.yml'}",
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
                f"--config.file={configs / 'prometheus.yml'}",
                f"--storage.tsdb.path={work / 'prometheus-data'}",
                f"--web.listen-address=127.0.0.1:{prometheus_port}",
            ],
            f"http://127.0.0.1:{prometheus_port}",
            work / "prometheus.log",
        )
        supervisor.wait_ready(alertmanager)
        supervisor.wait_ready(prometheus)
        yield ProbeStack(site, webhooks, prometheus, alertmanager, supervisor)
    finally:
        supervisor.stop_all()
        webhooks.stop()
        site.stop()  # idempotent enough: the test may have stopped it already


def test_the_real_exporters_are_scraped_and_the_probe_succeeds_while_the_site_is_up(
    probe_stack: ProbeStack,
) -> None:
    up = wait_until(
        "probe_success == 1 and node_load1 from the real exporters",
        lambda: (
            probe_stack.query(f'probe_success{{job="{PROBE_JOB}"}} == 1')
            and probe_stack.query('node_load1{job="node"}')
        ),
        60,
        probe_stack.logs,
    )
    assert up
    [series] = probe_stack.query(f'probe_success{{job="{PROBE_JOB}"}}')
    assert series["metric"]["instance"] == f"{probe_stack.site.url}/health"  # the target, not the exporter


def test_a_stopped_site_fires_the_probe_alert_through_its_route_and_the_muted_route_stays_silent(
    probe_stack: ProbeStack,
) -> None:
    wait_until(
        "the probe to succeed first", lambda: probe_stack.query("probe_success == 1"), 60, probe_stack.logs
    )
    probe_stack.site.stop()
    wait_until(
        "ProbeTargetDown to fire in Prometheus",
        lambda: probe_stack.firing("ProbeTargetDown"),
        60,
        probe_stack.logs,
    )
    # two notifications on the live route: the muted route's group (same group_wait and interval)
    # has been flushed at least once meanwhile, so its silence is the mute, not a race
    wait_until(
        "two ProbeTargetDown notifications on the /probe webhook",
        lambda: len(probe_stack.webhooks.notifications("/probe")) >= 2,
        60,
        probe_stack.logs,
    )
    [alert] = probe_stack.webhooks.alerts("/probe")[:1]
    assert alert["labels"]["alertname"] == "ProbeTargetDown"
    assert alert["labels"]["job"] == PROBE_JOB
    assert probe_stack.webhooks.notifications("/muted") == []
    # the alert was routed to the muted route too: its silence is the time interval, not a matcher
    filter_ = urllib.parse.quote('alertname="ProbeTargetDown"')
    [routed] = get_json(f"{probe_stack.alertmanager.url}/api/v2/alerts?filter={filter_}")
    assert sorted(r["name"] for r in routed["receivers"]) == ["muted", "probe"]
