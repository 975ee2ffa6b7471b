"""Render `configs/jaeger.yml`: a Jaeger v2 (OpenTelemetry Collector based) all-in-one configuration.

Jaeger v2 without a config keeps traces in memory and loses them on restart; the spec's
`tracing.jaeger.storage` chooses Badger (the default: an embedded store on the `jaeger_data`
volume, with a span TTL) or memory (local runs). Every endpoint is spelled out, because the
collector's receivers listen on localhost only unless told otherwise.
"""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render.loki import go_duration
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.layout import COMPOSE
from erpgo_monctl.resolve.model import Model

JAEGER_CONFIG = COMPOSE.path("jaeger")
# The image declares VOLUME /tmp (writable by its user 10001); the named volume goes there.
JAEGER_DATA = "/tmp"
STORE = "traces"
MEMORY_MAX_TRACES = 100_000


def _backend(model: Model) -> dict[str, Any]:
    assert model.spec.tracing is not None and model.spec.tracing.jaeger is not None
    jaeger = model.spec.tracing.jaeger
    if jaeger.storage == "memory":
        return {"memory": {"max_traces": MEMORY_MAX_TRACES}}
    return {
        "badger": {
            "directories": {"keys": f"{JAEGER_DATA}/jaeger/keys", "values": f"{JAEGER_DATA}/jaeger/values"},
            "ephemeral": False,
            "ttl": {"spans": go_duration(jaeger.retention)},
        }
    }


def jaeger_config(model: Model) -> dict[str, Any]:
    """The Jaeger v2 configuration as plain data."""
    assert model.spec.tracing is not None and model.spec.tracing.jaeger is not None
    jaeger = model.spec.tracing.jaeger
    return {
        "service": {
            "extensions": ["jaeger_storage", "jaeger_query", "healthcheckv2"],
            "pipelines": {
                "traces": {
                    "receivers": ["otlp"],
                    "processors": ["batch"],
                    "exporters": ["jaeger_storage_exporter"],
                }
            },
        },
        "extensions": {
            "healthcheckv2": {"use_v2": True, "http": {"endpoint": "0.0.0.0:13133"}},
            "jaeger_query": {"storage": {"traces": STORE}, "http": {"endpoint": f"0.0.0.0:{jaeger.ui_port}"}},
            "jaeger_storage": {"backends": {STORE: _backend(model)}},
        },
        "receivers": {
            "otlp": {
                "protocols": {
                    "grpc": {"endpoint": f"0.0.0.0:{COMPOSE.ports['jaeger-otlp-grpc']}"},
                    "http": {"endpoint": f"0.0.0.0:{COMPOSE.ports['jaeger-otlp-http']}"},
                }
            }
        },
        "processors": {"batch": {}},
        "exporters": {"jaeger_storage_exporter": {"trace_storage": STORE}},
    }


def render(model: Model) -> Files:
    """Render the Jaeger config when the spec has `tracing.jaeger`."""
    if model.spec.tracing is None or model.spec.tracing.jaeger is None:
        return {}
    return {JAEGER_CONFIG: dump_yaml(jaeger_config(model), model.header).encode()}
