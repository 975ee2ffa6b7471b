"""configs/jaeger.yml: Jaeger v2 with persistent Badger storage by default, memory on request."""

from __future__ import annotations

from typing import Any

import yaml

from erpgo_monctl.render import jaeger
from erpgo_monctl.resolve.model import Model, resolve


def _config(model: Model) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(jaeger.render(model)[jaeger.JAEGER_CONFIG])
    return document


def test_badger_is_the_default_and_outlives_a_restart(erpgo_model: Model) -> None:
    config = _config(erpgo_model)
    backend = config["extensions"]["jaeger_storage"]["backends"][jaeger.STORE]
    assert list(backend) == ["badger"]
    assert backend["badger"]["ephemeral"] is False
    assert backend["badger"]["directories"]["keys"].startswith(jaeger.JAEGER_DATA + "/")
    assert backend["badger"]["ttl"] == {"spans": "168h"}
    assert config["extensions"]["jaeger_query"]["storage"] == {"traces": jaeger.STORE}
    assert config["exporters"]["jaeger_storage_exporter"] == {"trace_storage": jaeger.STORE}


def test_every_endpoint_listens_beyond_localhost(erpgo_model: Model) -> None:
    # the OpenTelemetry collector's receivers default to localhost: other containers could not send
    config = _config(erpgo_model)
    protocols = config["receivers"]["otlp"]["protocols"]
    assert protocols == {"grpc": {"endpoint": "0.0.0.0:4317"}, "http": {"endpoint": "0.0.0.0:4318"}}
    assert config["extensions"]["jaeger_query"]["http"] == {"endpoint": "0.0.0.0:16686"}


def test_memory_storage_when_the_spec_says_so(erpgo_model: Model) -> None:
    spec = erpgo_model.spec.model_copy(deep=True)
    assert spec.tracing is not None and spec.tracing.jaeger is not None
    spec.tracing.jaeger.storage = "memory"
    backend = _config(resolve(spec))["extensions"]["jaeger_storage"]["backends"][jaeger.STORE]
    assert list(backend) == ["memory"]


def test_nothing_without_tracing(erpgo_model: Model) -> None:
    spec = erpgo_model.spec.model_copy(deep=True)
    spec.tracing = None
    assert jaeger.render(resolve(spec)) == {}
