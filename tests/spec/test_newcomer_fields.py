"""Fields a newcomer writes the way other tools taught them: SLO ratios, braced selectors, secret paths."""

from __future__ import annotations

import pytest

from erpgo_monctl.diagnostics import MonctlError
from erpgo_monctl.load.files import load_text
from erpgo_monctl.load.parse import parse_spec
from erpgo_monctl.resolve.model import resolve, secret_path, secrets_by_component
from erpgo_monctl.spec.v1 import Spec

SLO = """
version: 1
name: bookstore
services:
  - {{name: catalog-api, targets: ["catalog:8080"]}}
metrics:
  - {{name: http_request_duration_seconds, type: histogram, help: latency, buckets: [0.1, 0.5, 1]}}
slos:
  - name: catalog-latency
    service: catalog-api
    objective: {objective}
    sli:
      latency: {{metric: http_request_duration_seconds, threshold: 0.5, selector: '{selector}'}}
"""


def _spec(text: str) -> Spec:
    return parse_spec(load_text(text, "spec.yaml"))


def test_an_objective_below_one_is_a_ratio_and_refused_with_the_percent() -> None:
    with pytest.raises(MonctlError) as caught:
        _spec(SLO.format(objective="0.999", selector='job="catalog-api"'))
    [found] = caught.value.diagnostics
    assert found.path == "slos[0].objective" and found.line == 11
    assert "did you mean 99.9?" in found.message


def test_a_selector_with_braces_means_the_same_as_without() -> None:
    braced = _spec(SLO.format(objective="99", selector='{job="catalog-api"}'))
    bare = _spec(SLO.format(objective="99", selector='job="catalog-api"'))
    assert braced.slos[0].sli.latency is not None and bare.slos[0].sli.latency is not None
    assert braced.slos[0].sli.latency.selector == bare.slos[0].sli.latency.selector == 'job="catalog-api"'


ALERTMANAGER = """
version: 1
name: bookstore
alertmanager:
  route: {receiver: team}
  receivers:
    - name: team
      slack: [{channel: "#alerts", api_url_file: /etc/alertmanager/secrets/slack}]
      pagerduty: [{routing_key_file: pagerduty_key}]
"""


def test_a_secret_file_is_a_bare_name_or_an_absolute_path_used_as_written() -> None:
    model = resolve(_spec(ALERTMANAGER))
    assert secret_path("/etc/alertmanager/secrets/slack") == "/etc/alertmanager/secrets/slack"
    assert secret_path("pagerduty_key") == "/run/secrets/pagerduty_key"
    # compose mounts only the bare names from stack.secrets_dir; the absolute path is the deployment's own
    assert secrets_by_component(model)["alertmanager"] == ["pagerduty_key"]


@pytest.mark.parametrize("value", ["../slack", "/etc/../slack", "/etc//slack", "sub/slack", "/etc/sl ack"])
def test_other_secret_file_forms_are_refused(value: str) -> None:
    with pytest.raises(MonctlError) as caught:
        _spec(ALERTMANAGER.replace("/etc/alertmanager/secrets/slack", value))
    assert [d.path for d in caught.value.diagnostics] == ["alertmanager.receivers[0].slack[0].api_url_file"]
