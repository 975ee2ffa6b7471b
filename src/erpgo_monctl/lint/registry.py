"""Every lint rule: its stable id, default severity and documentation page (`monctl lint --explain`).

The pages are data so that `--explain`, docs/lint.md and the SARIF rule table
say the same thing; a test keeps docs/lint.md in step with this file.
"""

from __future__ import annotations

from dataclasses import dataclass

from erpgo_monctl.diagnostics import Severity


@dataclass(frozen=True)
class Rule:
    """One lint rule and its documentation page."""

    id: str
    severity: Severity
    summary: str
    catches: str
    why: str
    bad: str
    good: str


RULES: tuple[Rule, ...] = (
    Rule(
        "promql/histogram-quantile-without-le",
        "error",
        "histogram_quantile over buckets that lost their `le` label, or over un-aggregated bucket rates",
        "`histogram_quantile(q, sum by (job) (rate(x_bucket[5m])))` and `sum(...)` without `le` (error: the "
        "query returns nothing), and `histogram_quantile(q, rate(x_bucket[5m]))` with no aggregation at all "
        "(warning).",
        "histogram_quantile needs the `le` bucket boundary on every input series; aggregating it away "
        "leaves nothing to interpolate. Without any aggregation the quantile is computed per series (per "
        "instance, per endpoint, ...), so one alert or panel mixes many unrelated quantiles instead of one "
        "for the service.",
        "expr: histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m])) > 2",
        "expr: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 2",
    ),
    Rule(
        "promql/rate-on-non-counter",
        "error",
        "rate/irate/increase applied to a gauge (per the metrics catalog)",
        "`rate()`, `irate()` or `increase()` over a metric the catalog declares as a gauge, or over a "
        "summary's quantile series. Histogram `_bucket`/`_sum`/`_count` and summary `_sum`/`_count` are "
        "counters. Metrics not in the catalog are not judged.",
        "These functions treat every decrease as a counter reset, so a gauge that goes down produces huge, "
        "meaningless jumps. Use `deriv()` or `delta()` for the change of a gauge, or the gauge itself.",
        "expr: rate(erpgo_database_connections_active[5m]) > 10",
        "expr: deriv(erpgo_database_connections_active[5m]) > 10",
    ),
    Rule(
        "promql/counter-without-rate",
        "warning",
        "a counter's raw value used without rate/increase",
        "A selector of a catalog counter (or histogram/summary `_bucket`/`_sum`/`_count`) whose value is "
        "used directly: compared, summed or plotted. Use inside `absent()`, `count()`/`group()`, "
        "`timestamp()` or on the right of `and`/`unless` is fine.",
        "A counter only goes up and restarts from zero when the process restarts; its absolute value "
        "depends on when the process started, not on what is happening now.",
        'expr: erpgo_auth_attempts_total{result="failure"} > 100',
        'expr: sum(increase(erpgo_auth_attempts_total{result="failure"}[10m])) > 100',
    ),
    Rule(
        "promql/range-too-short",
        "warning",
        "a range selector shorter than 4 scrape intervals",
        "`rate(x[30s])` and other functions that need two or more samples (rate, irate, increase, delta, "
        "idelta, deriv, predict_linear, resets, changes) over a range shorter than 4x the scrape interval: "
        'the job\'s `scrape_interval` when the selector has `job="..."`, else the global one. Below 2x it is '
        "an error: the range can hold fewer than two samples.",
        "A range that holds only one or two samples gives no result (or a noisy one) whenever a scrape is "
        "late or missed, so alerts flap and panels show gaps.",
        'expr: rate(erpgo_http_requests_total{job="erpgo-api"}[30s])   # scrape_interval 15s',
        'expr: rate(erpgo_http_requests_total{job="erpgo-api"}[1m])',
    ),
    Rule(
        "promql/regex-without-regex-chars",
        "warning",
        "a regex matcher (=~, !~) whose value has no regex metacharacters",
        '`{status=~"500"}` or `{env!~"prod"}`: the value is a plain string.',
        'Prometheus anchors regexes, so `=~"api"` matches exactly `api`, not values containing it; writing '
        "`=`/`!=` says what it does and avoids the surprise when someone later expects a substring match.",
        'expr: rate(erpgo_http_requests_total{status_code=~"500"}[5m])',
        'expr: rate(erpgo_http_requests_total{status_code="500"}[5m])   # or =~"5.." for all 5xx',
    ),
    Rule(
        "promql/ratio-always-one",
        "error",
        "a ratio of a metric to itself that keeps the label its numerator filters on",
        '`rate(x{code=~"5.."}[5m]) / rate(x[5m])`: both sides keep every label, so each numerator series is '
        "divided by the denominator series with the same `code`, i.e. by itself.",
        "One-to-one vector matching pairs series with identical labels. Unless the filtered label is "
        "aggregated away on both sides, the ratio is exactly 1 for every series that matches the filter: an "
        "error-rate alert on it either never fires or always does.",
        'expr: rate(http_requests_total{code=~"5.."}[5m]) / rate(http_requests_total[5m]) > 0.05',
        'expr: sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) '
        "(rate(http_requests_total[5m])) > 0.05",
    ),
    Rule(
        "rules/duplicate-expression",
        "warning",
        "the same expression recorded or alerted on under different names",
        "Two recording rules, or alerts with different names, whose expressions are the same after "
        "normalisation (whitespace, parentheses and label order do not matter).",
        "Duplicates cost evaluation time, drift apart when one copy is edited, and alert twice for one "
        "problem.",
        "- record: job:requests:rate5m\n  expr: sum by (job) (rate(x_total[5m]))\n- record: job:x:rate5m\n  "
        "expr: sum by(job)(rate(x_total[5m]))",
        "- record: job:requests:rate5m\n  expr: sum by (job) (rate(x_total[5m]))   # one rule, one name",
    ),
    Rule(
        "alerts/no-comparison",
        "error",
        "an alert expression that does not filter, so it fires for every series it returns",
        "An alert whose expression has no comparison (`>`, `==`, ...), no `and`/`unless` and no `absent()`, "
        "or only a `bool` comparison (which returns 0 or 1 instead of filtering). A selector of a recording "
        "rule is judged by that rule's expression.",
        "Prometheus fires an alert for every series the expression returns. Without a filter that is every "
        "series, all the time. (A deliberate always-firing Watchdog alert is the exception: silence it with "
        "`lint_ignore`.)",
        "expr: erpgo_orders_pending_count",
        "expr: sum(erpgo_orders_pending_count) > 100",
    ),
    Rule(
        "alerts/for-missing",
        "info",
        "an alert without `for` (it fires on the first evaluation that matches)",
        "Alerting rules with no `for:`.",
        "Without `for` a single bad evaluation (a scrape blip, a restart) notifies someone. Some alerts "
        "rightly fire at once (a failed RAID disk does not recover by itself), which is why this is "
        "information, not a warning.",
        "- alert: HighErrorRate\n  expr: job:errors:ratio_rate5m > 0.05",
        "- alert: HighErrorRate\n  expr: job:errors:ratio_rate5m > 0.05\n  for: 5m",
    ),
    Rule(
        "alerts/for-too-short",
        "warning",
        "a `for` shorter than two evaluation intervals",
        "`for:` below 2x the evaluation interval of its group (the group's `interval`, else "
        "`prometheus.evaluation_interval`), including `for: 0s`.",
        "The alert becomes firing after the first evaluation past `for`, so a `for` shorter than two "
        "evaluations behaves like no `for` at all while suggesting otherwise.",
        "for: 10s     # evaluation_interval: 15s",
        "for: 1m",
    ),
    Rule(
        "alerts/template-label-aggregated-away",
        "error",
        "`$labels.X` in a template where the expression's result cannot carry X",
        "`{{ $labels.instance }}` when the expression is `sum by (job) (...) > 1` (keeps only `job`), "
        "`sum(...)` (keeps nothing), `sum without (instance) (...)`, or `a / on(job) b` (keeps `job`). Only "
        "certain cases are reported: label sets that cannot be known are not judged. Labels the alert sets "
        "in `labels:` are not visible to templates either.",
        "Templates see the labels of the series the expression returns; a label the aggregation removed "
        "renders as an empty string and the notification loses the detail it promised.",
        'expr: sum by (job) (rate(errors_total[5m])) > 1\ndescription: "errors on {{ $labels.instance }}"',
        "expr: sum by (job, instance) (rate(errors_total[5m])) > 1\n"
        'description: "errors on {{ $labels.instance }}"',
    ),
    Rule(
        "alerts/units",
        "warning",
        "a threshold or text in the wrong unit for the metric",
        "A `_seconds` metric (or an unscaled expression over one) compared with a number >= 100 that is not "
        "a whole number of minutes (it looks like milliseconds), or whose alert text speaks of "
        "ms/milliseconds; an unscaled `_bytes` expression whose alert text speaks of KB/MB/GB.",
        "Prometheus metrics use base units (seconds, bytes). A threshold written in milliseconds against "
        "seconds is 1000x too high: the alert never fires.",
        "expr: pg_stat_statements_mean_time_seconds > 1000\n"
        'description: "Average query time is {{ $value }}ms"',
        "expr: pg_stat_statements_mean_time_seconds > 1\n"
        'description: "Average query time is {{ $value | humanizeDuration }}"',
    ),
    Rule(
        "alerts/rate-per-minute-text",
        "warning",
        "a per-second rate described as per minute (or a per-minute one as per second)",
        'An alert comparing `rate()`/`irate()` (unscaled, so per second) while its text says "per minute", '
        '"/minute" or "/min"; or comparing `rate() * 60` while the text says per second.',
        "rate() is always per second. If the text and threshold say per minute, the threshold is 60x too "
        "high, and the number in the notification is not what the text claims.",
        'expr: rate(erpgo_auth_attempts_total{result="failure"}[5m]) > 10\n'
        'description: "{{ $value }} attempts/minute"',
        'expr: sum(rate(erpgo_auth_attempts_total{result="failure"}[5m])) * 60 > 10\n'
        'description: "{{ $value | humanize }} attempts/minute"',
    ),
    Rule(
        "alerts/name-style",
        "warning",
        "an alert name that is not CamelCase or is longer than 40 characters",
        "Alert names that do not start with an upper-case letter, contain `_`, or exceed 40 characters.",
        "Alert names appear in pages, routes, silences and inhibit rules; one convention (CamelCase, as "
        "Prometheus' own and the community's rules use) keeps them searchable, and long names get cut off "
        "in notification titles.",
        "alert: high_error_rate",
        "alert: HighErrorRate",
    ),
    Rule(
        "alerts/group-too-large",
        "info",
        "an alert group with more than 20 rules",
        "Groups in `alerts:` holding over 20 rules.",
        "A group's rules are evaluated one after the other each interval; large groups are slower to "
        "evaluate and harder to own. Split by concern (application, database, business ...).",
        "alerts:\n  - name: everything\n    rules: [...]   # 35 rules",
        "alerts:\n  - name: api\n    rules: [...]\n  - name: database\n    rules: [...]",
    ),
    Rule(
        "alerts/missing-annotations",
        "warning",
        "an alert without a runbook link, or with a blank summary/description",
        "Alerts with no `runbook_url` when `incidents.runbook_base_url` is not set either (the derived link "
        "counts as present), and summaries or descriptions that are only whitespace.",
        "The person paged needs to know what broke and what to do; a runbook link turns an alert into an "
        "action.",
        "- alert: SlowQueries\n  summary: Slow database queries detected\n  description: ...",
        "incidents:\n  runbook_base_url: https://docs.example.com/runbooks/   # or runbook_url on the alert",
    ),
    Rule(
        "metrics/high-cardinality-label",
        "warning",
        "a catalog metric with an unbounded label (ip, user_id, request_id, email, url, path, ...)",
        "Metric catalog entries whose `labels` include ip, ip_address, client_ip, remote_addr, user_id, "
        "request_id, email, url, path, session_id, trace_id, span_id or uuid.",
        "Every distinct label value is a new time series kept in memory by the application and Prometheus; "
        "per-user or per-request values grow without bound. Put such detail in logs or traces.",
        "- name: erpgo_auth_failures_by_ip_total\n  type: counter\n  labels: [ip]",
        "- name: erpgo_auth_failures_total\n  type: counter\n  labels: [reason]   # the IP goes to the log "
        "line",
    ),
    Rule(
        "metrics/naming",
        "warning",
        "a catalog metric name that breaks Prometheus naming conventions",
        "Counters not ending in `_total`, non-counters ending in `_total`, histogram/summary names ending "
        "in `_bucket`/`_sum`/`_count`, non-base units in the name (`_milliseconds`, `_ms`, `_kilobytes`, "
        "`_megabytes`, `_minutes`, `_hours`, `_percent`), a base `unit` (seconds, bytes, ratio, ...) "
        "missing from the name, and colons (reserved for recording rules).",
        "Conventional names tell readers and tools the type and unit (rate() goes with `_total`; `_seconds` "
        "needs no guessing) and keep recording-rule names distinct from raw metrics.",
        "- name: erpgo_request_latency_ms\n  type: histogram\n  unit: milliseconds",
        "- name: erpgo_request_duration_seconds\n  type: histogram\n  unit: seconds",
    ),
    Rule(
        "logs/high-cardinality-label",
        "warning",
        "a log pipeline promoting an unbounded field to a Loki label",
        "`labels:` stages of `logging.jobs[].pipeline` listing request_id, user_id, trace_id, ip, email, "
        "url, path, session_id, endpoint and similar per-request fields.",
        "Every label value combination is a separate Loki stream; per-request values create millions of "
        "tiny streams that slow ingestion and queries. Keep them as structured metadata (Loki 3) or in the "
        "line.",
        "- labels: [level, method, endpoint, request_id]",
        "- labels: [level, method]\n- structured_metadata: [endpoint, request_id]",
    ),
    Rule(
        "lint/unknown-rule",
        "error",
        "`lint:` configuration or `lint_ignore` naming a rule that does not exist",
        "Ids in `lint.disable`, keys of `lint.severity` and `rule` of `lint_ignore` entries that are not "
        "rule ids of this page.",
        "A typo in a rule id would otherwise silently disable nothing (or everything you meant to keep).",
        "lint:\n  disable: [alerts/for-mising]",
        "lint:\n  disable: [alerts/for-missing]",
    ),
    Rule(
        "lint/unused-ignore",
        "warning",
        "a `lint_ignore` entry that silences nothing",
        "`lint_ignore` entries whose rule reports nothing on that item (any more).",
        "Stale silences hide future findings of the same rule on that item and mislead readers about why "
        "the item looks the way it does.",
        "lint_ignore: [{rule: alerts/for-missing, reason: fires at once}]   # but the alert has `for: 5m`",
        "# remove the entry",
    ),
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
