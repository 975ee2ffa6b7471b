"""The secret files each component reads, found by walking the spec's HTTP clients and TLS blocks.

One walk for every `*_file` of scrape jobs, discovery, receivers and probes, so compose mounts
exactly the secrets a component's config names and none it does not.
"""

from __future__ import annotations

from erpgo_monctl.spec.alertmanager import Receiver
from erpgo_monctl.spec.probes import Probes, ProbeTLS
from erpgo_monctl.spec.scrape import HTTPClient, KubernetesSD, ScrapeSettings, TLSConfig


def _tls_files(tls: TLSConfig | ProbeTLS | None) -> set[str]:
    if tls is None:
        return set()
    return {name for name in (tls.ca_file, tls.cert_file, tls.key_file) if name}


def client_secret_files(client: HTTPClient | None) -> set[str]:
    """Files an HTTP client reads: TLS material and the one credential it may carry."""
    if client is None:
        return set()
    found = _tls_files(client.tls_config)
    if client.basic_auth:
        found.add(client.basic_auth.password_file)
    if client.authorization:
        found.add(client.authorization.credentials_file)
    if client.oauth2:
        found.add(client.oauth2.client_secret_file)
    return found


def scrape_secret_files(settings: ScrapeSettings) -> set[str]:
    found = client_secret_files(settings)
    for items in settings.discovery().values():
        for item in items:
            if isinstance(item, HTTPClient):
                found |= client_secret_files(item)
            if isinstance(item, KubernetesSD) and item.kubeconfig_file:
                found.add(item.kubeconfig_file)
    return found


def receiver_secret_files(receiver: Receiver) -> set[str]:
    """Secrets of the integrations beyond the classic four, and every integration's http_config."""
    found: set[str] = set()
    for group in (receiver.slack, receiver.webhook, receiver.pagerduty, receiver.opsgenie):
        for config in group:
            found |= client_secret_files(config.http_config)
    for group2 in (receiver.victorops, receiver.sns, receiver.webex):
        for config2 in group2:
            found |= client_secret_files(config2.http_config)
    found.update(c.api_key_file for c in receiver.opsgenie)
    found.update(c.api_key_file for c in receiver.victorops)
    return found


def probe_secret_files(probes: Probes) -> set[str]:
    found: set[str] = set()
    for module in probes.modules:
        for settings in (module.http, module.tcp, module.grpc):
            if settings is not None:
                found |= _tls_files(settings.tls_config)
    return found
