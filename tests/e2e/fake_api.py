"""A stand-in for the ERPGo API: three endpoints instrumented with the spec's erpgo_* metric catalog.

The metrics are built from `spec.metrics`, so what Prometheus scrapes is what the
catalog promises. `spike()` turns nine requests in ten into HTTP 500s.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler
from typing import cast

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, Summary
from prometheus_client.metrics import MetricWrapperBase

from erpgo_monctl.spec.rules import Metric
from tests.e2e.loopback import LoopbackServer

ENDPOINTS = (("GET", "/api/v1/products"), ("GET", "/api/v1/orders"), ("POST", "/api/v1/orders"))
ORDER_VALUE = 49.90


def instrument(metric: Metric, registry: CollectorRegistry) -> MetricWrapperBase:
    """The prometheus_client metric a catalog entry describes."""
    labels = list(metric.labels)
    if metric.type == "counter":
        return Counter(metric.name, metric.help, labels, registry=registry)
    if metric.type == "gauge":
        return Gauge(metric.name, metric.help, labels, registry=registry)
    if metric.type == "histogram":
        buckets = metric.buckets or Histogram.DEFAULT_BUCKETS
        return Histogram(metric.name, metric.help, labels, registry=registry, buckets=buckets)
    return Summary(metric.name, metric.help, labels, registry=registry)


class FakeErpgoApi(LoopbackServer):
    """Serves /metrics and the endpoints in ENDPOINTS on 127.0.0.1 (a free port) from a thread."""

    def __init__(self, catalog: list[Metric]) -> None:
        self.registry = CollectorRegistry()
        self.metrics = {m.name: instrument(m, self.registry) for m in catalog if m.name.startswith("erpgo_")}
        self._lock = threading.Lock()
        self._served = 0
        self._failing = False
        self._set_baseline()
        super().__init__(self._handler_class(), "fake-erpgo-api")

    def spike(self) -> None:
        """From now on, nine requests in ten fail with HTTP 500."""
        with self._lock:
            self._failing = True

    def counter(self, name: str) -> Counter:
        return cast(Counter, self.metrics[name])

    def gauge(self, name: str) -> Gauge:
        return cast(Gauge, self.metrics[name])

    def histogram(self, name: str) -> Histogram:
        return cast(Histogram, self.metrics[name])

    def _set_baseline(self) -> None:
        """Gauges of a healthy API, and each request series at zero so rate() sees its first increase."""
        for method, endpoint in ENDPOINTS:
            for status in ("200", "201", "500"):
                self.counter("erpgo_http_requests_total").labels(method, endpoint, status)
        for name, value in (
            ("erpgo_database_connections_active", 12),
            ("erpgo_database_connections_max", 100),
            ("erpgo_database_connections_idle", 8),
            ("erpgo_database_connections_in_use", 12),
            ("erpgo_users_active", 42),
            ("erpgo_orders_pending_count", 3),
        ):
            self.gauge(name).set(value)
        for status, count in (("pending", 3), ("shipped", 17), ("delivered", 40)):
            self.gauge("erpgo_orders_by_status").labels(status).set(count)
        self.gauge("erpgo_product_orders").labels("widget").set(25)
        # series a healthy API has at zero: nothing failed or looked suspicious yet
        self.counter("erpgo_auth_attempts_total").labels("failure")
        self.counter("erpgo_auth_failures_by_ip_total").labels("192.0.2.10")
        self.counter("erpgo_authz_denials_total").labels("orders", "delete")
        self.counter("erpgo_suspicious_activities_total").labels("sql_injection")
        self.counter("erpgo_database_query_errors_total").labels("select", "orders", "timeout")

    def serve(self, method: str, endpoint: str) -> int:
        """Answer one API request: the status it gets, recorded in the metrics."""
        with self._lock:
            number = self._served
            self._served += 1
            failing = self._failing
        status = 500 if failing and number % 10 != 0 else (201 if method == "POST" else 200)
        self.counter("erpgo_http_requests_total").labels(method, endpoint, str(status)).inc()
        self.histogram("erpgo_http_request_duration_seconds").labels(method, endpoint).observe(
            0.25 if status == 500 else 0.012
        )
        self.histogram("erpgo_database_query_duration_seconds").labels("select", "orders").observe(0.003)
        self.counter("erpgo_auth_attempts_total").labels("success").inc()
        if method == "POST" and status == 201:
            self.counter("erpgo_orders_created_total").inc()
            self.counter("erpgo_revenue_total").inc(ORDER_VALUE)
        return status

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/metrics":
                    from prometheus_client import generate_latest

                    self._reply(200, generate_latest(api.registry), CONTENT_TYPE_LATEST)
                elif self.path == "/health":
                    self._reply(200, b'{"status":"ok"}\n')
                else:
                    self._api("GET")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self._api("POST")

            def _api(self, method: str) -> None:
                if (method, self.path) not in ENDPOINTS:
                    self._reply(404, b'{"error":"not found"}\n')
                    return
                status = api.serve(method, self.path)
                body = b'{"error":"internal"}\n' if status == 500 else b'{"ok":true}\n'
                self._reply(status, body)

            def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Keep the test output quiet."""

        return Handler


class Traffic:
    """Clients calling the API's endpoints in turn from a thread, about `per_second` requests a second."""

    def __init__(self, base_url: str, per_second: float = 40) -> None:
        self.base_url = base_url
        self.interval = 1 / per_second
        self.sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="erpgo-traffic", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            method, endpoint = ENDPOINTS[self.sent % len(ENDPOINTS)]
            data = b"{}" if method == "POST" else None
            request = urllib.request.Request(self.base_url + endpoint, data=data, method=method)
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    response.read()
            except urllib.error.HTTPError as error:  # the spike's 500s are answers too
                error.read()
            except OSError:
                pass
            self.sent += 1
