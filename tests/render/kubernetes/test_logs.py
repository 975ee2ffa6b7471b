"""Logs: Alloy reads pod logs through the Kubernetes API with the compose pipelines; Loki's config as is."""

from __future__ import annotations

from erpgo_monctl.render.alloy import alloy_config
from erpgo_monctl.render.kubernetes.logs import block_text
from erpgo_monctl.resolve.model import Model
from tests.render.kubernetes.conftest import Tree, load, resources


def test_alloy_reads_pods_with_the_compose_pipelines(erpgo_model: Model, erpgo_kubernetes: Tree) -> None:
    text = resources(erpgo_kubernetes, "ConfigMap")["alloy-erpgo"]["data"]["config.alloy"]
    compose = alloy_config(erpgo_model)
    assert "local.file_match" not in text and "loki.source.docker" not in text
    for job_id in ("erpgo_logs", "docker_logs"):
        assert f'discovery.kubernetes "{job_id}"' in text
        assert f'loki.source.kubernetes "{job_id}"' in text
        header = f'loki.process "{job_id}" {{'
        assert block_text(text, header) == block_text(compose, header)
    assert 'url = "http://loki.monitoring.svc:3100/loki/api/v1/push"' in text


def test_block_text_skips_braces_in_strings() -> None:
    config = 'x {\n}\nloki.process "a" {\n  stage.regex {\n    expression = "^{(?P<x>\\"}"\n  }\n}\ntail {}\n'
    assert block_text(config, 'loki.process "a" {').endswith('"^{(?P<x>\\"}"\n  }\n}')


def test_loki_config_map_points_its_ruler_at_the_cluster_alertmanager(erpgo_kubernetes: Tree) -> None:
    config = load(resources(erpgo_kubernetes, "ConfigMap")["loki-erpgo"]["data"]["loki.yaml"].encode())
    assert config["ruler"]["alertmanager_url"] == "http://alertmanager-operated.monitoring.svc:9093"
