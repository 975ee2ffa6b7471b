"""What the compose stack can do with the spec: log paths the agent sees, Docker jobs that read only their
containers, a node-exporter Prometheus can reach (E501-E503)."""

from __future__ import annotations

from typing import Any

from tests.validate.builder import codes, findings, minimal


def _with_logging(**logging: Any) -> dict[str, Any]:
    data = minimal()
    data["logging"] = logging
    return data


def test_a_log_path_outside_host_log_dir_is_refused_at_the_path() -> None:
    # the agent mounts host_log_dir only: this job would tail nothing, silently
    data = _with_logging(
        host_log_dir="/var/log/bookstore",
        jobs=[{"name": "orders", "paths": ["/var/log/bookstore/orders/*.log", "/srv/orders/app.log"]}],
    )
    [found] = [d for d in findings(data) if d.code == "E501"]
    assert found.path == "logging.jobs[0].paths[1]"
    assert "host_log_dir" in found.message and "/srv/orders" in found.message


def test_a_path_escaping_with_dotdot_is_refused() -> None:
    data = _with_logging(
        host_log_dir="/var/log/app", jobs=[{"name": "x", "paths": ["/var/log/app/../x.log"]}]
    )
    assert codes(findings(data)).count("E501") == 1


def test_paths_below_the_default_host_log_dir_pass() -> None:
    data = _with_logging(jobs=[{"name": "app", "paths": ["/var/log/app/*.log"]}])
    assert "E501" not in codes(findings(data))


def test_service_labels_on_a_docker_job_reading_every_container_are_refused() -> None:
    data = _with_logging(
        jobs=[{"name": "web", "docker": {}, "labels": {"service": "storefront", "env": "prod"}}]
    )
    [found] = [d for d in findings(data) if d.code == "E502"]
    assert found.path == "logging.jobs[0].labels.service"
    assert "docker.containers" in found.message


def test_a_filtered_docker_job_may_carry_service_labels() -> None:
    for docker in (
        {"containers": ["storefront"]},
        {"container_labels": {"com.docker.compose.service": "web"}},
    ):
        data = _with_logging(jobs=[{"name": "web", "docker": docker, "labels": {"service": "storefront"}}])
        assert "E502" not in codes(findings(data))


def test_the_stack_node_exporter_is_not_reachable_by_its_service_name() -> None:
    data = minimal()
    data["stack"]["node_exporter"] = {}
    [found] = [d for d in findings(data) if d.code == "E503"]
    assert found.path == "exporters[0].targets[0]"
    assert "host.docker.internal:9100" in found.message
    data["exporters"][0]["targets"] = ["host.docker.internal:9100"]
    assert "E503" not in codes(findings(data))
