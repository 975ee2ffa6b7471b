"""Alertmanager's webhook target in the test: records every notification POSTed, by URL path (= receiver)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.e2e.loopback import LoopbackServer


class WebhookReceiver(LoopbackServer):
    """An HTTP server on 127.0.0.1 (a free port) keeping the JSON bodies POSTed to each path."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: dict[str, list[dict[str, Any]]] = {}
        super().__init__(self._handler_class(), "webhook-receiver")

    def notifications(self, path: str) -> list[dict[str, Any]]:
        """Webhook payloads received on `path` (e.g. /on-call), oldest first."""
        with self._lock:
            return list(self._received.get(path, []))

    def alerts(self, path: str) -> list[dict[str, Any]]:
        """Every alert of every payload received on `path`."""
        return [alert for payload in self.notifications(path) for alert in payload.get("alerts", [])]

    def paths(self) -> list[str]:
        with self._lock:
            return sorted(self._received)

    def _record(self, path: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self._received.setdefault(path, []).append(payload)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    payload = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    self.send_response(400)
                    self.end_headers()
                    return
                receiver._record(self.path, payload)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Keep the test output quiet."""

        return Handler
