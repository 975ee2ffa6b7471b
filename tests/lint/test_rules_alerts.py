"""Alert rules: filters, `for`, templates, units, names, group size, runbooks — failing and passing cases."""

from __future__ import annotations

from typing import Any

import pytest

from erpgo_monctl.diagnostics import MonctlError
from tests.lint.conftest import BASE, Linter, alert, alerts, only, records


def test_alert_without_comparison_always_fires(lint: Linter) -> None:
    found = lint(
        alerts=alerts(
            alert("Raw", expr="sum(rate(x_total[5m]))"),
            alert("Bool", expr="sum(rate(x_total[5m])) > bool 1"),
            alert("Either", expr="(x > 1) or y"),
        )
    )
    hits = only(found, "alerts/no-comparison")
    assert [d.path for d in hits] == [f"alerts[0].rules[{i}].expr" for i in range(3)]
    assert hits[0].severity == "error"
    assert "no comparison" in hits[0].message and "`bool`" in hits[1].message


def test_alerts_that_filter_pass(lint: Linter) -> None:
    found = lint(
        recording_rules=records(("job:x:alert", "sum by (job) (rate(x_total[5m])) > 1")),
        alerts=alerts(
            alert("Down", expr='up{job="api"} == 0'),
            alert("Missing", expr='absent(up{job="api"})'),
            alert("Recorded", expr="job:x:alert"),
            alert("Unknown", expr="team:slo:burning"),  # not in this spec: not judged
            alert("Both", expr="x > 1 and on() y"),
        ),
    )
    assert only(found, "alerts/no-comparison") == []


def test_missing_for_is_information(lint: Linter) -> None:
    found = lint(alerts=alerts(alert(for_=None)))
    assert [(d.code, d.path, d.severity) for d in found] == [
        ("alerts/for-missing", "alerts[0].rules[0]", "info")
    ]


def test_for_shorter_than_two_evaluations(lint: Linter) -> None:
    found = lint(
        prometheus={"evaluation_interval": "30s"},
        alerts=alerts(alert(for_="45s"), alert("Zero", for_="0s"), alert("Enough", for_="1m")),
    )
    hits = only(found, "alerts/for-too-short")
    assert [d.path for d in hits] == ["alerts[0].rules[0].for", "alerts[0].rules[1].for"]
    assert "(60s)" in hits[0].message


def test_group_interval_decides_for_too_short(lint: Linter) -> None:
    found = lint(alerts=alerts(alert(for_="1m"), interval="1m"))
    assert [d.path for d in only(found, "alerts/for-too-short")] == ["alerts[0].rules[0].for"]
    assert only(lint(alerts=alerts(alert(for_="2m"), interval="1m")), "alerts/for-too-short") == []


def test_template_errors_in_every_templated_field_stop_at_validate_before_lint(lint: Linter) -> None:
    # validate (E250, validate/templates.py) now refuses these, so the lint rule never sees them
    with pytest.raises(MonctlError) as caught:
        lint(
            alerts=alerts(
                alert(
                    summary="Rate {{ $value | humanize }",
                    description="{{ if $value }}high",
                    annotations={"dashboard": "{{ $lables.job }}"},
                    labels={"team": "{{ end }}"},
                    runbook_url="https://r.example.com/{{ $labels.job | bogusFunc }}",
                )
            )
        )
    assert sorted((d.path, d.code) for d in caught.value.diagnostics) == [
        ("alerts[0].rules[0].annotations.dashboard", "E250"),
        ("alerts[0].rules[0].description", "E250"),
        ("alerts[0].rules[0].labels.team", "E250"),
        ("alerts[0].rules[0].runbook_url", "E250"),
        ("alerts[0].rules[0].summary", "E250"),
    ]


def test_valid_templates_pass_validate_and_lint_clean(lint: Linter) -> None:
    found = lint(  # raises MonctlError if validate (E250) refused a template
        alerts=alerts(
            alert(
                expr="sum by (instance, job) (rate(x_total[5m])) > 1",
                summary="{{ $labels.instance }} is at {{ $value | humanizePercentage }}",
                description='{{ printf "%.2f" $value }} {{ with $labels.job }}{{ . }}{{ end }}',
            )
        )
    )
    assert [d for d in found if d.path.startswith("alerts[0].rules[0].")] == []


def test_label_aggregated_away_from_the_result(lint: Linter) -> None:
    found = lint(
        alerts=alerts(
            alert(
                "ByJob", expr="sum by (job) (rate(x_total[5m])) > 1", description="on {{ $labels.instance }}"
            ),
            alert(
                "Total",
                expr="sum(rate(x_total[5m])) > 1",
                labels={"team": "api"},
                summary='{{ index $labels "team" }}',
            ),
            alert(
                "Without",
                expr="sum without (instance) (rate(x_total[5m])) > 1",
                description="{{ $labels.instance }}",
            ),
        )
    )
    hits = only(found, "alerts/template-label-aggregated-away")
    assert [d.path for d in hits] == [
        "alerts[0].rules[0].description",
        "alerts[0].rules[1].summary",
        "alerts[0].rules[2].description",
    ]
    assert "keeps only job" in hits[0].message
    assert "carries no labels" in hits[1].message and "not visible to templates" in hits[1].message
    assert "drops instance" in hits[2].message


def test_labels_kept_or_unknowable_pass(lint: Linter) -> None:
    found = lint(
        alerts=alerts(
            alert(
                "ByInstance",
                expr="sum by (job, instance) (rate(x_total[5m])) > 1",
                description="{{ $labels.instance }}",
            ),
            alert("Raw", expr="rate(x_total[5m]) > 1", description="{{ $labels.anything }}"),
            alert("Absent", expr='absent(up{job="api"})', description="{{ $labels.job }}"),
            alert("Text", expr="sum(x) > 1", description="literal $labels.instance outside an action"),
        )
    )
    assert only(found, "alerts/template-label-aggregated-away") == []


def test_seconds_compared_with_milliseconds(lint: Linter) -> None:
    found = lint(
        alerts=alerts(
            alert(
                "Slow",
                expr="pg_stat_statements_mean_time_seconds > 1000",
                description="Average query time is {{ $value }}ms. Threshold: 1000ms",
            )
        )
    )
    hits = only(found, "alerts/units")
    assert [d.path for d in hits] == ["alerts[0].rules[0].expr", "alerts[0].rules[0].description"]
    assert "did you mean 1?" in hits[0].message


def test_bytes_described_as_megabytes(lint: Linter) -> None:
    found = lint(
        alerts=alerts(
            alert(
                "Memory",
                expr="process_resident_memory_bytes > 500",
                description="Memory is {{ $value }}MB (threshold 500MB)",
            )
        )
    )
    assert [d.path for d in only(found, "alerts/units")] == ["alerts[0].rules[0].description"]


def test_consistent_units_pass(lint: Linter) -> None:
    found = lint(
        alerts=alerts(
            alert(
                "Slow",
                expr="pg_stat_statements_mean_time_seconds > 1",
                description="{{ $value | humanizeDuration }} (threshold 1s)",
            ),
            alert("SlowMs", expr="x_duration_seconds * 1000 > 500", description="{{ $value }}ms"),
            alert(
                "HalfSecond",
                expr="x_duration_seconds > 0.5",
                description="{{ $value | humanizeDuration }}, over 500ms",
            ),
            alert("Old", expr="x_age_seconds > 3600"),  # a whole number of minutes: seconds meant
            alert(
                "Memory",
                expr="process_resident_memory_bytes / 1024 / 1024 > 500",
                description="{{ $value }}MB",
            ),
            alert("Disk", expr="node_filesystem_avail_bytes / node_filesystem_size_bytes * 100 < 10"),
            alert(
                "Free",
                expr="node_memory_free_bytes < 5e8",
                description="{{ $value }} bytes free on {{ $labels.x }}MB",
            ),
        )
    )
    assert only(found, "alerts/units") == []


def test_per_second_rate_described_per_minute(lint: Linter) -> None:
    found = lint(
        alerts=alerts(
            alert(
                "Brute",
                expr='rate(auth_total{result="failure"}[5m]) > 10',
                description="{{ $value }} attempts/minute",
            ),
            alert("Scaled", expr="sum(rate(auth_total[5m])) * 60 > 10", summary="over 10 per second"),
        )
    )
    hits = only(found, "alerts/rate-per-minute-text")
    assert [d.path for d in hits] == ["alerts[0].rules[0].expr", "alerts[0].rules[1].expr"]
    assert "multiply the rate by 60" in hits[0].message and "drop the * 60" in hits[1].message


def test_rates_described_in_their_own_unit_pass(lint: Linter) -> None:
    found = lint(
        alerts=alerts(
            alert(
                "PerMinute",
                expr="sum(rate(auth_total[5m])) * 60 > 10",
                description="{{ $value }} attempts/minute",
            ),
            alert("PerSecond", expr="rate(faults_total[5m]) > 500", description="500 faults per second"),
            alert("Window", expr="rate(errs_total[2m]) > 1", description="errors in the last two minutes"),
        )
    )
    assert only(found, "alerts/rate-per-minute-text") == []


def test_alert_names_must_be_short_camel_case(lint: Linter) -> None:
    found = lint(
        alerts=alerts(
            alert("high_error_rate"),
            alert("lowerCamel"),
            alert("A" + "VeryLongAlertNameThatKeepsGoingAndGoing" * 2),
        )
    )
    hits = only(found, "alerts/name-style")
    assert [d.path for d in hits] == [f"alerts[0].rules[{i}].alert" for i in range(3)]
    assert "characters long" in hits[2].message


def test_camel_case_names_with_acronyms_pass(lint: Linter) -> None:
    assert (
        only(
            lint(alerts=alerts(alert("SuspiciousIPActivity"), alert("NodeRAIDDegraded"))), "alerts/name-style"
        )
        == []
    )


def test_groups_over_twenty_rules(lint: Linter) -> None:
    many = [alert(f"Alert{i}", expr=f"x > {i}") for i in range(21)]
    found = lint(alerts=alerts(*many))
    assert [(d.code, d.path, d.severity) for d in found] == [
        ("alerts/group-too-large", "alerts[0].name", "info")
    ]
    assert only(lint(alerts=alerts(*many[:20])), "alerts/group-too-large") == []


def test_missing_runbook_and_blank_annotations(lint: Linter) -> None:
    incidents: dict[str, Any] = {}
    found = lint(incidents=incidents, alerts=alerts(alert(summary="  ", description="\n")))
    assert [(d.code, d.path) for d in found] == [
        ("alerts/missing-annotations", "alerts[0].rules[0]"),
        ("alerts/missing-annotations", "alerts[0].rules[0].summary"),
        ("alerts/missing-annotations", "alerts[0].rules[0].description"),
    ]


def test_runbook_url_given_or_derived_passes(lint: Linter) -> None:
    assert BASE["incidents"]["runbook_base_url"]
    assert lint(alerts=alerts(alert())) == []
    assert lint(incidents={}, alerts=alerts(alert(runbook_url="https://r.example.com/HighErrorRate"))) == []
