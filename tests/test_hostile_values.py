"""The invariant of validate: a value it accepts is never refused by the tool that loads the output.

For every kind of value a server parses on its own terms (durations, regexes, numbers, Go
templates, URLs and host:port), hypothesis generates hostile values, puts one into a small
spec at a field of that kind, and asserts: `monctl validate` refuses it (a located error,
never a crash), or the rendered file that carries it passes its real checker: promtool
(config, rules, unit tests, and the alert's templates as Prometheus expands them), amtool
(config, and notification templates as Alertmanager renders them), strict JSON and the
Grafana dashboard rules. An accepted URL or host never carries a credential into the output.
Examples are derandomized: the same values every run, so a failure is reproducible.
"""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erpgo_monctl.diagnostics import MonctlError
from erpgo_monctl.pipeline import load_model, render_model
from erpgo_monctl.resolve.layout import COMPOSE
from erpgo_monctl.verify.tools import check_dashboards
from tests.conftest import need

SECRET = "s3cretpw"  # a credential the URL strategy hides in userinfo, query strings and hook paths
HOLE = "__HOSTILE__"

BASE: dict[str, Any] = {
    "version": 1,
    "name": "shop",
    "prometheus": {"scrape_interval": "15s", "evaluation_interval": "15s"},
    "services": [{"name": "shop-api", "targets": ["api:8080"], "metrics_path": "/metrics"}],
    "alerts": [
        {
            "name": "shop",
            "rules": [
                {
                    "alert": "ShopDown",
                    "expr": 'up{job="shop-api"} == 0',
                    "for": "1m",
                    "severity": "critical",
                    "labels": {"service": "shop"},
                    "summary": "The shop API is down",
                    "description": "{{ $labels.instance }} has been down for a minute.",
                    "annotations": {"dashboard": "https://grafana.example.com/d/shop"},
                    "runbook_url": "https://runbooks.example.com/ShopDown",
                }
            ],
        }
    ],
    "alertmanager": {
        "smtp": {"smarthost": "smtp.example.com:587", "from": "alerts@example.com"},
        "route": {
            "receiver": "team",
            "group_by": ["alertname", "service"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "4h",
            "routes": [{"matchers": ['service=~"shop"'], "receiver": "mail"}],
        },
        "receivers": [
            {"name": "team", "webhook": [{"url": "http://hooks.internal:8080/alerts"}]},
            {"name": "mail", "email": [{"to": "team@example.com", "subject": "Alert"}]},
        ],
    },
    "dashboards": [
        {
            "title": "Shop",
            "uid": "shop",
            "panels": [
                {
                    "title": "Up",
                    "type": "timeseries",
                    "queries": [{"expr": 'up{job="shop-api"}'}],
                    "min": 0,
                    "max": 1,
                    "thresholds": [{"value": 0.5, "color": "red"}],
                }
            ],
        }
    ],
    "tests": [
        {
            "name": "down",
            "interval": "1m",
            "input_series": [{"series": 'up{job="shop-api", instance="api:8080"}', "values": "1x10"}],
            "alert_tests": [{"eval_time": "5m", "alertname": "ShopDown"}],
        }
    ],
    "stack": {
        "prometheus": {"image": "prom/prometheus:v3.5.0"},
        "alertmanager": {"image": "prom/alertmanager:v0.28.1"},
        "grafana": {"image": "grafana/grafana:12.2.0"},
    },
}

Checker = Callable[[Path, str], list[str]]  # (rendered tree, the value) -> what the real tool refused


def _run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def _refused(run: subprocess.CompletedProcess[str]) -> list[str]:
    return [] if run.returncode == 0 else [(run.stdout + run.stderr).strip()]


def prometheus_config(root: Path, value: str) -> list[str]:
    return _refused(_run([need("promtool"), "check", "config", "configs/prometheus.yml"], root))


def alertmanager_config(root: Path, value: str) -> list[str]:
    return _refused(_run([need("amtool"), "check-config", "configs/alertmanager.yml"], root))


def alert_rules(root: Path, value: str) -> list[str]:
    return _refused(_run([need("promtool"), "check", "rules", "configs/alert_rules.yml"], root))


FIRING_TEST = """\
rule_files: [../configs/alert_rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'up{job="shop-api", instance="api:8080"}'
        values: '0x30'
    alert_rule_test:
      - eval_time: 20m
        alertname: ShopDown
"""


def alert_templates(root: Path, value: str) -> list[str]:
    """The rules load, and Prometheus expands the alert's templates without an error when it fires.

    The test expects no alert, so promtool prints the labels and annotations it got; a
    template that fails at run time shows there as `<error expanding template: ...>`.
    """
    found = alert_rules(root, value)
    (root / "tests" / "firing.yml").parent.mkdir(exist_ok=True)
    (root / "tests" / "firing.yml").write_text(FIRING_TEST, encoding="utf-8")
    run = _run([need("promtool"), "test", "rules", "firing.yml"], root / "tests")
    output = run.stdout + run.stderr
    if "got:" not in output or "error expanding template" in output or "error executing" in output:
        found.append(output.strip())
    return found


def notification_template(root: Path, value: str) -> list[str]:
    """amtool accepts the config and renders the template as Alertmanager would (default data)."""
    found = alertmanager_config(root, value)
    defaults = root / "defaults.tmpl"  # the Debian amtool loads no default.tmpl: stand-ins
    defaults.write_text('{{ define "slack.default.title" }}t{{ end }}', encoding="utf-8")
    argv = [need("amtool"), "template", "render", f"--template.glob={defaults}", f"--template.text={value}"]
    run = _run(argv)
    if run.returncode != 0 or "error" in run.stderr:
        found.append(run.stderr.strip())
    return found


def dashboards(root: Path, value: str) -> list[str]:
    result = check_dashboards(root, COMPOSE)
    return [d.message for d in result.diagnostics]


def unit_tests(root: Path, value: str) -> list[str]:
    """promtool loads the spec's unit test (whether its expectation holds is the test's own business)."""
    run = _run([need("promtool"), "test", "rules", "down_test.yml"], root / "tests")
    output = run.stdout + run.stderr
    loaded = run.returncode == 0 or ("exp:" in output and "got:" in output and "parse error" not in output)
    return [] if loaded else [output.strip()]


@dataclass(frozen=True)
class Field:
    """A place in BASE that takes a value of one kind, and the checker of the file it lands in."""

    path: tuple[Any, ...]
    checker: Checker
    template: str = HOLE  # how the value is written into the field (HOLE is replaced by it)
    raw: bool = False  # the value is a YAML token (a number), not a string


DURATIONS = [
    Field(("alerts", 0, "rules", 0, "for"), alert_rules),
    Field(("alerts", 0, "interval"), alert_rules),
    Field(("prometheus", "scrape_interval"), prometheus_config),
    Field(("prometheus", "evaluation_interval"), prometheus_config),
    Field(("services", 0, "scrape_timeout"), prometheus_config),
    Field(("alertmanager", "route", "group_wait"), alertmanager_config),
    Field(("alertmanager", "route", "group_interval"), alertmanager_config),
    Field(("alertmanager", "route", "repeat_interval"), alertmanager_config),
    Field(("tests", 0, "interval"), unit_tests),
]
REGEXES = [
    Field(("alerts", 0, "rules", 0, "expr"), alert_rules, f"up{{job=~`{HOLE}`}} == 0"),
    Field(("alertmanager", "route", "routes", 0, "matchers", 0), alertmanager_config, f'service=~"{HOLE}"'),
]
NUMBERS = [
    Field(("alerts", 0, "rules", 0, "expr"), alert_rules, f'up{{job="shop-api"}} > {HOLE}'),
    Field(("dashboards", 0, "panels", 0, "min"), dashboards, raw=True),
    Field(("dashboards", 0, "panels", 0, "max"), dashboards, raw=True),
    Field(("dashboards", 0, "panels", 0, "thresholds", 0, "value"), dashboards, raw=True),
    Field(("tests", 0, "input_series", 0, "values"), unit_tests),
    Field(("tests", 0, "input_series", 0, "values"), unit_tests, f"1 {HOLE}x3"),
]
TEMPLATES = [
    Field(("alerts", 0, "rules", 0, "summary"), alert_templates),
    Field(("alerts", 0, "rules", 0, "description"), alert_templates),
    Field(("alerts", 0, "rules", 0, "labels", "service"), alert_templates),
    Field(("alerts", 0, "rules", 0, "annotations", "dashboard"), alert_templates),
    Field(("alerts", 0, "rules", 0, "runbook_url"), alert_templates, f"https://runbooks.example.com/{HOLE}"),
    Field(("alertmanager", "receivers", 1, "email", 0, "subject"), notification_template),
]
URLS = [
    Field(("alerts", 0, "rules", 0, "runbook_url"), alert_rules),
    Field(("alertmanager", "receivers", 0, "webhook", 0, "url"), alertmanager_config),
    Field(("services", 0, "metrics_path"), prometheus_config),
]
HOSTS = [
    Field(("services", 0, "targets", 0), prometheus_config),
    Field(("alertmanager", "smtp", "smarthost"), alertmanager_config),
]

_UNITS = ["ms", "s", "m", "h", "d", "w", "y", "us", "ns", ""]
DURATION_VALUES = st.one_of(
    st.sampled_from(
        ["0s", "5m1h", "5m5m", "999999999d", "1e20s", "500ms", "292y", "293y", "1h30m", "-5m", "5 m", "1.5h"]
    ),
    st.builds(
        lambda parts: "".join(parts),
        st.lists(
            st.builds(
                lambda n, unit: f"{n}{unit}",
                st.one_of(st.integers(0, 120), st.integers(0, 10**20)),
                st.sampled_from(_UNITS),
            ),
            min_size=1,
            max_size=3,
        ),
    ),
)
_REGEX_OK = ["a", "shop", ".*", "[a-z]+", "a|b", "(api|web)", "5..", "\\d+", "\\pL", "(?i)x", "[[:alpha:]]"]
_REGEX_HOSTILE = [
    "*",
    "+",
    "(",
    ")",
    "[",
    "]",
    "{2}",
    "{1001}",
    "(?=a)",
    "(?!a)",
    "(?<=a)",
    "\\1",
    "\\z",
    "\\C",
    "(?P<x>a)",
    "(?<x>a)",
    "^",
    "$",
    "\\Q.\\E",
    "\\",
    "é",
    '"',
]
REGEX_VALUES = st.lists(
    st.one_of(st.sampled_from(_REGEX_OK), st.sampled_from(_REGEX_HOSTILE)), min_size=1, max_size=4
).map("".join)
NUMBER_VALUES = st.one_of(
    st.sampled_from(
        [
            ".inf",
            "-.inf",
            ".nan",
            "1e400",
            "-1e400",
            "1.8e308",
            "1.7e308",
            "1e-400",
            "0x10",
            "1_000",
            "Inf",
            "NaN",
        ]
    ),
    st.floats().map(repr),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.from_regex(r"\A-?[0-9]{1,3}(?:\.[0-9]{1,3})?e[+-]?[0-9]{1,3}\Z"),
)
_ACTIONS = [
    "$value",
    "$labels.instance",
    "$labels",
    ".Labels.job",
    ".Value",
    ".Nope",
    "$value | humanize",
    "$value | nosuch",
    ".Status | toUpper",
    "range .Alerts",
    "range $labels",
    "if $value",
    "else",
    "end",
    'printf "%.2f" $value',
    '"',
    "`",
    'template "x"',
    "$x := 1",
    "$x",
    "with $labels.job",
    "(",
    ")",
    ".CommonLabels",
    ".Status",
    "$value | humanizePercentage",
    ".",
    "len .Alerts",
    "- .Status -",
    'index $labels "job"',
    ".Alerts.Firing",
    "$externalLabels.cluster",
    "title .Status",
]
TEMPLATE_VALUES = st.lists(
    st.one_of(
        st.sampled_from(["text ", "on ", "{{", "}}", "\n"]),
        st.sampled_from(_ACTIONS).map(lambda action: "{{ " + action + " }}"),
    ),
    max_size=5,
).map("".join)
_SCHEMES = ["http://", "https://", "http://", "https://", "HTTPS://", "javascript:", "ftp://", ""]
_USERINFO = ["", "", "", "", f"user:{SECRET}@", f"{SECRET}@", f":{SECRET}@"]
_HOSTS = ["api", "api.example.com", "API.example.com", "hooks.slack.com", "Hooks.Slack.com", "127.0.0.1"]
_HOSTS += ["[::1]", "a b", "", "ex_am"]
_PORTS = ["", "", ":8080", ":443", ":0", ":99999", ":x"]
_PATHS = ["", "/", "/metrics", "/hook", f"/metrics?token={SECRET}", f"/services/T0/B0/{SECRET}", "/a b"]
_PATHS += ["/%zz", "#f", "/x?a=1"]
URL_VALUES = st.builds(
    lambda *parts: "".join(parts),
    st.sampled_from(_SCHEMES),
    st.sampled_from(_USERINFO),
    st.sampled_from(_HOSTS),
    st.sampled_from(_PORTS),
    st.sampled_from(_PATHS),
)
HOST_VALUES = st.builds(
    lambda *parts: "".join(parts),
    st.sampled_from(_USERINFO),
    st.sampled_from(_HOSTS),
    st.sampled_from(_PORTS),
)
PATH_VALUES = st.sampled_from(_PATHS)


def _spec_text(field: Field, value: str) -> str:
    data = copy.deepcopy(BASE)
    parent = data
    for part in field.path[:-1]:
        parent = parent[part]
    filled = field.template.replace(HOLE, value)
    if not field.raw:
        parent[field.path[-1]] = filled
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
    parent[field.path[-1]] = HOLE
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
    return text.replace(HOLE, filled)  # a YAML number token as written (`.inf`, `1e400`, `0x10`)


def _credential_in(value: str) -> bool:
    """Whether the generated value holds SECRET as a credential: userinfo, a token, a Slack hook path."""
    lowered = value.lower()
    return f"{SECRET}@" in value or f"token={SECRET}" in value or ("slack.com" in lowered and SECRET in value)


def _holds(field: Field, value: str, tmp_path: Path) -> None:
    """Validate refuses the value with located errors, or its file passes the real checker."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(_spec_text(field, value), encoding="utf-8")
    try:
        model, _ = load_model(spec)
    except MonctlError as exc:
        errors = [d for d in exc.diagnostics if d.severity == "error"]
        assert errors and all(d.code != "E000" and d.line >= 1 for d in errors), exc.diagnostics
        return
    root = tmp_path / "out"
    files = render_model(model)
    for relative, content in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(content)
        if _credential_in(value):
            assert SECRET.encode() not in content, f"{value!r} put a credential into {relative}"
    refused = field.checker(root, value)
    assert refused == [], f"validate accepted {value!r} at {field.path}, the real checker refused it"


def _fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@PROPERTY
@given(field=st.sampled_from(DURATIONS), value=DURATION_VALUES)
def test_durations(field: Field, value: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    _holds(field, value, _fresh(tmp_path_factory))


@PROPERTY
@given(field=st.sampled_from(REGEXES), value=REGEX_VALUES)
def test_regexes(field: Field, value: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    _holds(field, value, _fresh(tmp_path_factory))


@PROPERTY
@given(field=st.sampled_from(NUMBERS), value=NUMBER_VALUES)
def test_numbers(field: Field, value: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    _holds(field, value, _fresh(tmp_path_factory))


@PROPERTY
@given(field=st.sampled_from(TEMPLATES), value=TEMPLATE_VALUES)
def test_templates(field: Field, value: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    _holds(field, value, _fresh(tmp_path_factory))


@PROPERTY
@given(field=st.sampled_from(URLS + HOSTS), value=st.one_of(URL_VALUES, HOST_VALUES, PATH_VALUES))
def test_urls_and_hosts(field: Field, value: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    _holds(field, value, _fresh(tmp_path_factory))


def test_the_untouched_spec_passes_every_checker(tmp_path: Path) -> None:
    """Each checker passes on the base spec, so a refusal above is the generated value's doing."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(BASE, sort_keys=False), encoding="utf-8")
    model, _ = load_model(spec)
    root = tmp_path / "out"
    for relative, content in render_model(model).items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(content)
    checkers = {field.checker for field in [*DURATIONS, *REGEXES, *NUMBERS, *TEMPLATES, *URLS, *HOSTS]}
    assert len(checkers) == 7
    for checker in checkers:
        assert checker(root, "Alert") == [], checker.__name__
