"""Synthetic monctl specs for benchmarks: N services, each with its scrape job, 10 alerts,
2 SLOs, a dashboard of 8 panels, and a receiver + route per team of 10 services.

    python bench/make_spec.py 1000 > /tmp/spec-1000.yaml
"""

from __future__ import annotations

import sys
from typing import Any

SEVERITIES = ("critical", "warning")


def service_block(i: int) -> dict[str, Any]:
    name = f"svc-{i:04d}"
    metric = f"svc{i:04d}"
    job = f'job="{name}"'
    errors = f'{job}, status_code=~"5.."'
    alerts = []
    for a in range(10):
        severity = SEVERITIES[a % 2]
        alerts.append(
            {
                "alert": f"Svc{i:04d}Alert{a:02d}",
                "expr": f'sum(rate({metric}_http_requests_total{{{job}, status_code=~"5.."}}[5m]))'
                f" / sum(rate({metric}_http_requests_total{{{job}}}[5m])) > 0.0{a + 1}",
                "for": "5m",
                "severity": severity,
                "labels": {"service": name, "team": f"team-{i // 10:03d}"},
                "summary": f"{name} error ratio above {a + 1}%",
                "description": "Error ratio is {{ $value | humanizePercentage }}.",
            }
        )
    panels = []
    for p in range(8):
        panels.append(
            {
                "title": f"Panel {p}",
                "type": "timeseries" if p % 4 else "stat",
                "unit": "reqps",
                "queries": [
                    {
                        "expr": f"sum by (status_code) (rate({metric}_http_requests_total{{{job}}}[5m]))",
                        "legend": "{{status_code}}",
                    }
                ],
            }
        )
    return {
        "service": {"name": name, "targets": [f"{name}:8080"]},
        "metrics": [
            {
                "name": f"{metric}_http_requests_total",
                "type": "counter",
                "help": "Requests",
                "labels": ["status_code"],
            },
            {
                "name": f"{metric}_http_request_duration_seconds",
                "type": "histogram",
                "help": "Latency",
                "buckets": [0.1, 0.5, 1, 2, 5],
            },
        ],
        "alerts": {"name": f"{name}-alerts", "rules": alerts},
        "slos": [
            {
                "name": f"{name}-availability",
                "service": name,
                "objective": 99.9,
                "sli": {
                    "events": {
                        "errors": f"sum(rate({metric}_http_requests_total{{{errors}}}[{{{{window}}}}]))",
                        "total": f"sum(rate({metric}_http_requests_total{{{job}}}[{{{{window}}}}]))",
                    }
                },
            },
            {
                "name": f"{name}-latency",
                "service": name,
                "objective": 99,
                "sli": {
                    "latency": {
                        "metric": f"{metric}_http_request_duration_seconds",
                        "threshold": 1,
                        "selector": job,
                    }
                },
            },
        ],
        "dashboard": {
            "title": f"{name} overview",
            "uid": f"{name}-overview",
            "tags": ["bench"],
            "panels": panels,
        },
    }


def make_spec(n: int) -> dict[str, Any]:
    """A valid spec with `n` services."""
    blocks = [service_block(i) for i in range(n)]
    teams = sorted({f"team-{i // 10:03d}" for i in range(n)})
    return {
        "version": 1,
        "name": f"bench-{n}",
        "services": [b["service"] for b in blocks],
        "metrics": [m for b in blocks for m in b["metrics"]],
        "alerts": [b["alerts"] for b in blocks],
        "slos": [s for b in blocks for s in b["slos"]],
        "dashboards": [b["dashboard"] for b in blocks],
        "alertmanager": {
            "route": {
                "receiver": "default",
                "group_by": ["alertname", "service"],
                "routes": [{"matchers": [f'team="{t}"'], "receiver": t} for t in teams],
            },
            "receivers": [{"name": "default", "webhook": [{"url": "http://127.0.0.1:9999/default"}]}]
            + [{"name": t, "webhook": [{"url": f"http://127.0.0.1:9999/{t}"}]} for t in teams],
        },
        "incidents": {"runbook_base_url": "https://runbooks.example.com/"},
        "stack": {
            "prometheus": {"image": "prom/prometheus:v3.5.0", "port": 9090},
            "alertmanager": {"image": "prom/alertmanager:v0.28.1", "port": 9093},
            "grafana": {"image": "grafana/grafana:12.2.0", "port": 3000},
        },
    }


def main() -> None:
    from erpgo_monctl.render.yaml_encoder import dump_yaml

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    sys.stdout.write(dump_yaml(make_spec(n), f"synthetic benchmark spec, N={n}"))


if __name__ == "__main__":
    main()
