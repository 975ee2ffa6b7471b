"""Live end-to-end fixtures: the server binaries, a supervisor stopping them by pid, bounded polling."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

import pytest

T = TypeVar("T")
INSTALL_HINT = "apt-get install prometheus prometheus-alertmanager (or run `make tools`)"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "e2e: live test against real Prometheus and Alertmanager on 127.0.0.1 (`make e2e` runs these)",
    )


@dataclass(frozen=True)
class Binaries:
    prometheus: str
    alertmanager: str


@pytest.fixture(scope="module")
def binaries() -> Binaries:
    """The server binaries; the only reason these tests skip is that they are missing."""
    prometheus = shutil.which("prometheus")
    alertmanager = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    missing = [
        name for name, found in (("prometheus", prometheus), ("alertmanager", alertmanager)) if not found
    ]
    if prometheus is None or alertmanager is None:
        pytest.skip(f"{' and '.join(missing)} not installed: {INSTALL_HINT}")
    return Binaries(prometheus, alertmanager)


def free_ports(count: int) -> list[int]:
    """`count` distinct ports free on 127.0.0.1 right now (held open together so none repeats)."""
    with ExitStack() as stack:
        sockets = [
            stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) for _ in range(count)
        ]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def post_json(url: str, payload: Any) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        response.read()


def wait_until(
    what: str, probe: Callable[[], T | None], timeout: float, context: Callable[[], str] = lambda: ""
) -> T:
    """Poll `probe` until it returns something truthy; past `timeout` seconds, fail saying what never came."""
    deadline = time.monotonic() + timeout
    last_error = ""
    while True:
        try:
            value = probe()
            if value:
                return value
        except (OSError, ValueError) as exc:  # not up yet, or half-written answers
            last_error = f" (last error: {exc!r})"
        if time.monotonic() >= deadline:
            raise AssertionError(f"gave up after {timeout:.0f}s waiting for {what}{last_error}\n{context()}")
        time.sleep(0.2)


@dataclass
class Server:
    """A server process the supervisor started, with its log file."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 25) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return f"--- {self.name} (pid {self.pid}) log tail ---\n" + "\n".join(text.splitlines()[-lines:])


def pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class Supervisor:
    """Starts server processes and stops each by its own pid: SIGTERM, wait, SIGKILL, wait."""

    servers: list[Server] = field(default_factory=list)
    _logs: list[IO[bytes]] = field(default_factory=list)

    def start(self, name: str, argv: list[str], url: str, log: Path) -> Server:
        handle = log.open("wb")
        self._logs.append(handle)
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT)
        server = Server(name, process, url, log)
        self.servers.append(server)
        return server

    def wait_ready(self, server: Server, timeout: float = 30) -> None:
        def ready() -> bool:
            if server.process.poll() is not None:
                raise AssertionError(
                    f"{server.name} exited with {server.process.returncode}\n{server.log_tail()}"
                )
            with urllib.request.urlopen(server.url + "/-/ready", timeout=2) as response:
                return bool(response.status == 200)

        wait_until(f"{server.name} to be ready at {server.url}", ready, timeout, server.log_tail)

    def stop_all(self) -> None:
        for server in reversed(self.servers):
            if server.process.poll() is None:
                os.kill(server.pid, signal.SIGTERM)
                try:
                    server.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.kill(server.pid, signal.SIGKILL)
                    server.process.wait(timeout=10)
        for handle in self._logs:
            handle.close()

    def running(self) -> list[int]:
        return [
            server.pid for server in self.servers if server.process.poll() is None or pid_running(server.pid)
        ]

    def logs(self) -> str:
        return "\n".join(server.log_tail() for server in self.servers)


@pytest.fixture(scope="module")
def supervisor() -> Iterator[Supervisor]:
    """Every process a module starts is stopped at its end, failed assertions or not; none may be left."""
    processes = Supervisor()
    try:
        yield processes
    finally:
        processes.stop_all()
        leftovers = processes.running()
        assert not leftovers, f"processes still running after the test stopped them: {leftovers}"
