"""The Go text/template checker: what Prometheus accepts passes, what it refuses is named."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from erpgo_monctl.analysis.gotemplate import check_template
from tests.conftest import need

VALID = [
    "no template at all }} {",
    "Error rate is {{ $value | humanizePercentage }} over 5m",
    '{{ printf "%.2f" $value }}% on {{ $labels.instance }}',
    "{{ if gt $value 1.0 }}high{{ else if lt $value 0.5 }}low{{ else }}ok{{ end }}",
    '{{ range $i, $s := query "up == 0" }}{{ $s | label "instance" }} {{ $s | value }}{{ end }}',
    '{{ with query "up" }}{{ . | first | value | humanize }}{{ end }}',
    "{{- $value -}} and {{- /* a comment */ -}} and {{/* another */}}",
    "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
    '{{ index $labels "instance" }} {{ .Labels.job }} {{ $externalLabels.cluster }} {{ $externalURL }}',
    '{{ define "t" }}{{ . }}{{ end }}{{ template "t" $value }}',
    "{{ range $labels }}{{ if . }}{{ break }}{{ end }}{{ continue }}{{ end }}",
    '{{ reReplaceAll "(.*):.*" "$1" $labels.instance | toUpper }}',
    "{{ ($value | humanize) }} {{ `raw {{ string` }} {{ 'c' }}",
    "{{ $value | }}",  # Go's parser takes a trailing pipe
]

INVALID = {
    "{{ $value | humanizePercentage }": "single }",
    "{{ $value": "not closed",
    "{{ if $value }}x": "not closed",
    "x {{ end }}": "without a matching",
    "{{ else }}": "outside if",
    "{{ if true }}a{{ else }}b{{ else }}c{{ end }}": "after the final else",
    "{{ range $labels }}{{ else if true }}{{ end }}": "only else if",
    "{{ $lables.instance }}": "undefined variable '$lables'",
    "{{ $y = 1 }}": "undefined variable '$y'",
    "{{ }}": "empty action",
    "{{ $value | | humanize }}": "missing value for command",
    '{{ $value | "text" }}': "non executable command",
    '{{ "unterminated }}': "unterminated quoted string",
    "{{ ($value }}": "unclosed (",
    "{{ $value) }}": "unexpected )",
    "{{ break }}": "outside {{ range }}",
    "{{ if }}{{ end }}": "missing value for if",
    "{{ end now }}": "unexpected 'now' in end",
    "{{ /* open comment }}": "comment",
    '{{ if true }}{{ define "x" }}{{ end }}{{ end }}': "top level",
    '{{ define "t" }}{{ $labels }}{{ end }}': "undefined variable '$labels'",
    "{{ template }}": "quoted template name",
    "{{ $a, $b := $value }}": "too many declarations",
}


@pytest.mark.parametrize("text", VALID)
def test_valid_templates_pass(text: str) -> None:
    assert check_template(text) == []


@pytest.mark.parametrize(("text", "expected"), INVALID.items())
def test_invalid_templates_are_named(text: str, expected: str) -> None:
    problems = check_template(text)
    assert any(p.structural and expected in p.message for p in problems), problems


def test_an_unknown_function_is_reported_once_as_go_refuses_to_parse_it() -> None:
    problems = check_template("{{ $value | humanizeBytes }} {{ $value | humanizeBytes }}")
    assert [(p.structural, p.message) for p in problems] == [
        (True, "function 'humanizeBytes' is not defined in Prometheus alert templates")
    ]


@given(st.text(alphabet=st.sampled_from(list("{}$|()\"`'-/* .abcifendrangewithelse:=,1\n")), max_size=60))
@settings(max_examples=400, deadline=None)
def test_any_text_gets_an_answer_not_an_exception(text: str) -> None:
    problems = check_template(text)
    assert all(problem.message for problem in problems)


# -- the two dialects, against the real checkers ---------------------------------------------------

PROMETHEUS_ONLY = ["{{ $value | humanize }}", '{{ query "up" | first | value }}', "{{ .Labels.job }}"]
ALERTMANAGER_VALID = [
    "{{ range .Alerts }}{{ .Labels.alertname }} {{ .Annotations.summary }}{{ end }}",
    "{{ .CommonLabels.alertname | toUpper }} ({{ .Alerts.Firing | len }} firing)",
    '{{ join ", " .GroupLabels.Values }} {{ .Status }} {{ .ExternalURL }} {{ $.Receiver }}',
    '{{ template "slack.default.title" . }}',
    '{{ define "x" }}{{ .Nope }}{{ end }}{{ with .CommonAnnotations }}{{ .summary }}{{ end }}',
]
ALERTMANAGER_INVALID = {
    "{{ range .Alerts }}no end": "not closed",
    "{{ .CommonLabels.alertname | nosuch }}": "function 'nosuch' is not defined",
    "{{ $value }}": "undefined variable '$value'",
    "{{ $labels.instance }}": "undefined variable '$labels'",
    "{{ humanize 3 }}": "function 'humanize' is not defined",
    "{{ .CommonLabels.x | trimSpace }}": "function 'trimSpace' is not defined",
    "{{ .Nope }}": "can't evaluate field Nope",
    "{{ if .Alerts }}{{ $.Labels }}{{ end }}": "can't evaluate field Labels",
    '{{ template "nosuch.title" . }}': "template 'nosuch.title' is not defined",
}
PROMETHEUS_INVALID = {
    "{{ .CommonLabels }}": "can't evaluate field CommonLabels",
    "{{ $value | toDuration }}": "function 'toDuration' is not defined",
    '{{ template "t" . }}': "template 't' is not defined",
}


@pytest.mark.parametrize("text", ALERTMANAGER_VALID)
def test_notification_templates_alertmanager_runs_pass(text: str) -> None:
    assert check_template(text, "alertmanager") == []


@pytest.mark.parametrize("text", PROMETHEUS_ONLY)
def test_prometheus_functions_and_data_are_not_alertmanagers(text: str) -> None:
    assert check_template(text) == []
    assert check_template(text, "alertmanager") != []


@pytest.mark.parametrize(("text", "expected"), ALERTMANAGER_INVALID.items())
def test_notification_template_problems_are_named(text: str, expected: str) -> None:
    assert any(expected in p.message for p in check_template(text, "alertmanager"))


@pytest.mark.parametrize(("text", "expected"), PROMETHEUS_INVALID.items())
def test_alert_template_problems_beyond_parsing_are_named(text: str, expected: str) -> None:
    assert any(expected in p.message for p in check_template(text))


def _promtool_accepts(tmp_path: Path, texts: list[str]) -> list[bool]:
    promtool = need("promtool")
    verdicts = []
    for index, text in enumerate(texts):
        rules = {"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "up == 0"}]}]}
        rules["groups"][0]["rules"][0]["annotations"] = {"text": text}  # type: ignore[index]
        path = tmp_path / f"r{index}.yml"
        path.write_text(json.dumps(rules), encoding="utf-8")
        proc = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, check=False)
        verdicts.append(proc.returncode == 0)
    return verdicts


def _amtool_renders(tmp_path: Path, texts: list[str]) -> list[bool]:
    amtool = need("amtool")
    defaults = tmp_path / "defaults.tmpl"  # the Debian amtool loads no default.tmpl: stand-ins
    defaults.write_text('{{ define "slack.default.title" }}t{{ end }}', encoding="utf-8")
    verdicts = []
    for text in texts:
        argv = [amtool, "template", "render", f"--template.glob={defaults}", f"--template.text={text}"]
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        verdicts.append(proc.returncode == 0 and "error" not in proc.stderr)
    return verdicts


def test_promtool_agrees_on_every_prometheus_case(tmp_path: Path) -> None:
    # `{{ $y = 1 }}` parses in Go and fails when executed ("undefined variable"): we refuse it earlier
    texts = [*VALID, *(text for text in INVALID if text != "{{ $y = 1 }}"), "{{ $value | toDuration }}"]
    ours = [not any(p.structural for p in check_template(text)) for text in texts]
    assert _promtool_accepts(tmp_path, texts) == ours


def test_amtool_agrees_on_every_alertmanager_case(tmp_path: Path) -> None:
    texts = [*ALERTMANAGER_VALID, *ALERTMANAGER_INVALID, *PROMETHEUS_ONLY]
    ours = [check_template(text, "alertmanager") == [] for text in texts]
    assert _amtool_renders(tmp_path, texts) == ours
