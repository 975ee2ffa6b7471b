"""Spec models for blackbox probes: the exporter's modules, what each probe job targets, the opt-in alerts.

A probe is not an exporter scrape: Prometheus asks the blackbox exporter's `/probe` with
`target` and `module` parameters, so `probe_success` describes the target, not the exporter.
Module keys are the blackbox exporter's own (0.23 — the Debian checker — through 0.27).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from erpgo_monctl.spec.types import Duration, HostPort, Interval, LabelMap, Regex, SecretFile, Slug, Strict

Prober = Literal["http", "tcp", "icmp", "dns", "grpc"]
IPProtocol = Literal["ip4", "ip6"]
_URL_RE = re.compile(r"https?://[^\s@/]+(?:/\S*)?")
_HOST_RE = re.compile(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]")


class ProbeTLS(Strict):
    ca_file: SecretFile | None = None
    cert_file: SecretFile | None = None
    key_file: SecretFile | None = None
    server_name: str | None = None
    insecure_skip_verify: bool = False

    @model_validator(mode="after")
    def _pair(self) -> ProbeTLS:
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError("a client certificate needs both cert_file and key_file (or neither)")
        return self


class HTTPModule(Strict):
    method: Literal["GET", "HEAD", "POST", "PUT", "OPTIONS"] = "GET"
    valid_status_codes: list[int] = Field(default_factory=list, description="empty: any 2xx")
    valid_http_versions: list[Literal["HTTP/1.0", "HTTP/1.1", "HTTP/2.0"]] = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)
    fail_if_ssl: bool = False
    fail_if_not_ssl: bool = False
    fail_if_body_matches_regexp: list[Regex] = Field(default_factory=list)
    fail_if_body_not_matches_regexp: list[Regex] = Field(default_factory=list)
    preferred_ip_protocol: IPProtocol | None = None
    follow_redirects: bool | None = None
    tls_config: ProbeTLS | None = None

    @field_validator("valid_status_codes")
    @classmethod
    def _codes(cls, value: list[int]) -> list[int]:
        for code in value:
            if not 100 <= code <= 599:
                raise ValueError(f"{code} is not an HTTP status code (100-599)")
        return value

    @field_validator("headers")
    @classmethod
    def _no_credentials(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if name.lower() in ("authorization", "cookie", "x-api-key"):
                raise ValueError(
                    f"header {name!r} would hold a secret in plain text; probe a public endpoint"
                )
        return value

    @model_validator(mode="after")
    def _ssl(self) -> HTTPModule:
        if self.fail_if_ssl and self.fail_if_not_ssl:
            raise ValueError("fail_if_ssl and fail_if_not_ssl together fail every probe: keep one")
        return self


class QueryResponse(Strict):
    expect: Regex | None = None
    send: str | None = None
    starttls: bool | None = None


class TCPModule(Strict):
    tls: bool = False
    tls_config: ProbeTLS | None = None
    preferred_ip_protocol: IPProtocol | None = None
    query_response: list[QueryResponse] = Field(default_factory=list)


class ICMPModule(Strict):
    preferred_ip_protocol: IPProtocol | None = None
    payload_size: int | None = Field(default=None, ge=0, le=65000)
    dont_fragment: bool | None = None


class DNSModule(Strict):
    query_name: str = Field(min_length=1)
    query_type: Literal["A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT", "ANY"] = "A"
    transport_protocol: Literal["udp", "tcp"] = "udp"
    valid_rcodes: list[Literal["NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED"]] = Field(default_factory=list)
    preferred_ip_protocol: IPProtocol | None = None


class GRPCModule(Strict):
    service: str = Field(default="", description="gRPC health service name; empty: the server overall")
    tls: bool = False
    tls_config: ProbeTLS | None = None
    preferred_ip_protocol: IPProtocol | None = None


class ProbeModule(Strict):
    """A blackbox exporter module: a prober and its settings, under the prober's own key."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    prober: Prober
    timeout: Duration = "5s"
    http: HTTPModule | None = None
    tcp: TCPModule | None = None
    icmp: ICMPModule | None = None
    dns: DNSModule | None = None
    grpc: GRPCModule | None = None

    @model_validator(mode="after")
    def _settings_match_prober(self) -> ProbeModule:
        others = [k for k in ("http", "tcp", "icmp", "dns", "grpc") if k != self.prober and getattr(self, k)]
        if others:
            raise ValueError(
                f"a {self.prober} module takes `{self.prober}:` settings, not {', '.join(others)}: "
                f"move them under {self.prober}: or change prober"
            )
        if self.prober == "dns" and self.dns is None:
            raise ValueError("a dns module needs `dns: {query_name: ...}` (the name to resolve)")
        return self

    def uses_tls(self) -> bool:
        """Whether probes of this module can report certificate metrics (probe_ssl_*)."""
        if self.prober == "http":
            return True  # https:// targets do; the target decides
        if self.prober == "tcp":
            return bool(self.tcp and self.tcp.tls)
        if self.prober == "grpc":
            return bool(self.grpc and self.grpc.tls)
        return False


class ProbeJob(Strict):
    """A Prometheus job probing `targets` through one module."""

    name: Slug = Field(description="the job label of the probe's series")
    module: str
    targets: list[str] = Field(
        min_length=1, description="URLs (http), host:port (tcp, grpc), hosts (icmp, dns)"
    )
    scrape_interval: Interval | None = None
    scrape_timeout: Interval | None = None
    labels: LabelMap = Field(default_factory=dict)
    description: str = ""


class ProbeAlert(Strict):
    enabled: bool = False
    severity: str = "critical"
    for_: Duration = Field(default="2m", alias="for")


class CertificateAlert(ProbeAlert):
    days: int = Field(default=14, gt=0, description="fire when a certificate expires in fewer days")
    severity: str = "warning"
    for_: Duration = Field(default="10m", alias="for")


class ProbeAlerts(Strict):
    """The two alerts every team writes, rendered for every probe job when enabled."""

    target_down: ProbeAlert = Field(default_factory=ProbeAlert)
    certificate_expiry: CertificateAlert = Field(default_factory=CertificateAlert)
    labels: LabelMap = Field(default_factory=dict, description="extra labels on both alerts (routing)")


class Probes(Strict):
    exporter: HostPort = Field(
        default="blackbox-exporter:9115", description="where Prometheus reaches the blackbox exporter"
    )
    modules: list[ProbeModule] = Field(min_length=1)
    jobs: list[ProbeJob] = Field(min_length=1)
    alerts: ProbeAlerts = Field(default_factory=ProbeAlerts)


def target_problem(prober: str, target: str) -> str | None:
    """Why `target` cannot be probed by a `prober` module, or None."""
    if prober == "http":
        return None if _URL_RE.fullmatch(target) else "an http probe's target is a URL (https://host/path)"
    if prober in ("tcp", "grpc"):
        host, sep, port = target.rpartition(":")
        if sep and _HOST_RE.fullmatch(host) and port.isdigit() and 0 < int(port) < 65536:
            return None
        return f"a {prober} probe's target is host:port"
    if prober == "dns":
        host, _, port = (
            target.rpartition(":") if ":" in target and not target.startswith("[") else (target, "", "")
        )
        if _HOST_RE.fullmatch(host) and (not port or port.isdigit()):
            return None
        return "a dns probe's target is the DNS server (host or host:port)"
    return None if _HOST_RE.fullmatch(target) else "an icmp probe's target is a host name or address"
