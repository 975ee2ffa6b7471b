"""The Go text/template checker: what Prometheus accepts passes, what it refuses is named."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from erpgo_monctl.analysis.gotemplate import check_template

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
    "{{ $value | }}": "missing value for command",
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


def test_unknown_functions_are_reported_but_not_structural() -> None:
    problems = check_template("{{ $value | humanizeBytes }} {{ $value | humanizeBytes }}")
    assert [(p.structural, p.message) for p in problems] == [
        (False, "function 'humanizeBytes' is not a Prometheus template function")
    ]


@given(st.text(alphabet=st.sampled_from(list("{}$|()\"`'-/* .abcifendrangewithelse:=,1\n")), max_size=60))
@settings(max_examples=400, deadline=None)
def test_any_text_gets_an_answer_not_an_exception(text: str) -> None:
    problems = check_template(text)
    assert all(problem.message for problem in problems)
