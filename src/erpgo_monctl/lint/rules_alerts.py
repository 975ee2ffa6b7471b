"""Lint rules over alerting rules: filters, `for`, templates, units, names, runbooks."""

from __future__ import annotations

import re
from collections.abc import Iterator

from erpgo_monctl.analysis.promql_ast import COMPARISONS, Node, is_bool_comparison, is_filter, op_of, unwrap
from erpgo_monctl.analysis.promql_labels import LabelSet, output_labels
from erpgo_monctl.analysis.promql_units import quantity, threshold_comparisons
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.lint.context import Finding, LintContext
from erpgo_monctl.spec.rules import AlertRule
from erpgo_monctl.spec.types import duration_seconds

MAX_GROUP_RULES = 20
MAX_NAME_LENGTH = 40
_CAMEL_CASE = re.compile(r"[A-Z][A-Za-z0-9]*")
_ACTION = re.compile(r"\{\{(.*?)\}\}", re.S)
_LABEL_REFS = (
    re.compile(r"\$labels\.([A-Za-z_][A-Za-z0-9_]*)"),
    re.compile(r"index\s+\$labels\s+\"([A-Za-z_][A-Za-z0-9_]*)\""),
)
_PER_MINUTE = re.compile(r"per[\s-]+min(?:ute)?\b|/\s*min(?:ute)?\b|\bminutely\b", re.I)
_PER_SECOND = re.compile(r"per[\s-]+sec(?:ond)?\b|/\s*s(?:ec(?:ond)?)?\b", re.I)
_MILLISECONDS = r"(?:ms|milliseconds?)\b"
_MEGABYTES = r"(?:[KMGT]i?B|kilobytes?|megabytes?|gigabytes?|terabytes?)\b"


def check(ctx: LintContext) -> Iterator[Finding]:
    for g, group in enumerate(ctx.model.spec.alerts):
        if len(group.rules) > MAX_GROUP_RULES:
            yield Finding(
                "alerts/group-too-large",
                ("alerts", g, "name"),
                f"group {group.name!r} has {len(group.rules)} rules (more than {MAX_GROUP_RULES}): "
                "its rules are evaluated one after another; split it by concern",
            )
        interval = ctx.evaluation_interval(group.interval)
        for r, rule in enumerate(group.rules):
            base: PathKey = ("alerts", g, "rules", r)
            yield from _shape(ctx, base, rule, interval)
            ast = ctx.parse(rule.expr)
            yield from _templates(base, rule, ast)
            if ast is not None:
                yield from _filters(ctx, base, ast)
                yield from _units(base, rule, ast)


def _shape(ctx: LintContext, base: PathKey, rule: AlertRule, interval: float) -> Iterator[Finding]:
    """Name, `for` and annotations: what the alert looks like to the people it pages."""
    if not _CAMEL_CASE.fullmatch(rule.alert) or len(rule.alert) > MAX_NAME_LENGTH:
        problem = (
            f"is {len(rule.alert)} characters long (at most {MAX_NAME_LENGTH})"
            if _CAMEL_CASE.fullmatch(rule.alert)
            else "is not CamelCase (e.g. HighErrorRate)"
        )
        yield Finding("alerts/name-style", (*base, "alert"), f"alert name {rule.alert!r} {problem}")
    if rule.for_ is None:
        yield Finding(
            "alerts/for-missing",
            base,
            f"{rule.alert} has no `for`: it fires on the first evaluation that matches, so one "
            "blip notifies; add e.g. `for: 5m` unless it must fire at once",
        )
    elif duration_seconds(rule.for_) < 2 * interval:
        yield Finding(
            "alerts/for-too-short",
            (*base, "for"),
            f"for: {rule.for_} is shorter than two evaluation intervals ({int(2 * interval)}s): it "
            "behaves like no `for` at all",
        )
    for key in ("summary", "description"):
        if not getattr(rule, key).strip():
            yield Finding("alerts/missing-annotations", (*base, key), f"{key} is blank")
    if ctx.model.runbook_url(rule) is None:
        yield Finding(
            "alerts/missing-annotations",
            base,
            f"{rule.alert} has no runbook: set runbook_url, or incidents.runbook_base_url to derive one",
        )


def template_fields(base: PathKey, rule: AlertRule) -> list[tuple[PathKey, str]]:
    """Every templated string of an alert: annotations (summary, description ...) and label values."""
    fields: list[tuple[PathKey, str]] = [
        ((*base, "summary"), rule.summary),
        ((*base, "description"), rule.description),
    ]
    fields += [((*base, "annotations", key), value) for key, value in rule.annotations.items()]
    if rule.runbook_url:
        fields.append(((*base, "runbook_url"), rule.runbook_url))
    fields += [((*base, "labels", key), value) for key, value in rule.labels.items()]
    return fields


def _describe(labels: LabelSet) -> str:
    if labels.bounded is not None:
        kept = ", ".join(sorted(labels.bounded))
        return f"keeps only {kept}" if kept else "carries no labels"
    return f"drops {', '.join(sorted(labels.excluded))}"


def _templates(base: PathKey, rule: AlertRule, ast: Node | None) -> Iterator[Finding]:
    labels = output_labels(ast) if ast is not None else None
    for path, text in template_fields(base, rule):
        if "{{" not in text or labels is None:
            continue  # the templates parse: validate refused any that does not (E250)
        actions = " ".join(_ACTION.findall(text))
        referenced = sorted({name for pattern in _LABEL_REFS for name in pattern.findall(actions)})
        for name in referenced:
            if not labels.lacks(name):
                continue
            note = " (labels set under `labels:` are not visible to templates)" if name in rule.labels else ""
            yield Finding(
                "alerts/template-label-aggregated-away",
                path,
                f"$labels.{name} is always empty: the expression's result {_describe(labels)}{note}; "
                f"keep {name} in the aggregation (e.g. by (..., {name})) or drop it from the text",
            )


def _filters(ctx: LintContext, base: PathKey, ast: Node) -> Iterator[Finding]:
    def recorded(name: str) -> Node | None:
        text = ctx.recorded.get(name)
        return ctx.parse(text) if text is not None else None

    if is_filter(ast, recorded) is not False:
        return
    top = unwrap(ast)
    import promql_parser as p

    if isinstance(top, p.BinaryExpr) and op_of(top) in COMPARISONS and is_bool_comparison(top):
        reason = "its comparison uses `bool`, which returns 0 or 1 for every series instead of filtering"
    else:
        reason = "it has no comparison, `and`/`unless` or absent()"
    yield Finding(
        "alerts/no-comparison",
        (*base, "expr"),
        f"the alert fires for every series the expression returns, all the time: {reason}; "
        "compare with a threshold (e.g. `... > 0.05`)",
    )


def _text_fields(base: PathKey, rule: AlertRule) -> list[tuple[PathKey, str]]:
    fields = [((*base, "summary"), rule.summary), ((*base, "description"), rule.description)]
    return fields + [((*base, "annotations", key), value) for key, value in rule.annotations.items()]


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def _says(text: str, unit_pattern: str, threshold: float, raw_value_pipe_ok: str) -> bool:
    """Text shows the raw $value, or the compared threshold, followed by `unit_pattern`."""
    for found in re.finditer(r"\{\{((?:(?!\{\{|\}\}).)*)\}\}\s*" + unit_pattern, text, re.S):
        if "$value" in found.group(1) and raw_value_pipe_ok not in found.group(1):
            return True
    return re.search(rf"(?<![\d.]){re.escape(_number_text(threshold))}\s*{unit_pattern}", text) is not None


def _units(base: PathKey, rule: AlertRule, ast: Node) -> Iterator[Finding]:
    texts = _text_fields(base, rule)
    for side, threshold in threshold_comparisons(ast):
        found = quantity(side)
        if found is None:
            continue
        shown = _number_text(threshold)
        if found.unit == "seconds" and found.factor == 1:
            if abs(threshold) >= 100 and threshold % 60:
                yield Finding(
                    "alerts/units",
                    (*base, "expr"),
                    f"compares a _seconds value with {shown}, which looks like milliseconds ({shown} s "
                    f"is {threshold / 60:.3g} minutes): did you mean {threshold / 1000:g}?",
                )
            for path, text in texts:
                if _says(text, _MILLISECONDS, threshold, "humanizeDuration"):
                    yield Finding(
                        "alerts/units",
                        path,
                        "the text speaks of milliseconds but the expression's value is in seconds: "
                        "use {{ $value | humanizeDuration }} and a threshold in seconds",
                    )
                    break
        elif found.unit == "bytes" and found.factor == 1:
            for path, text in texts:
                if _says(text, _MEGABYTES, threshold, "humanize1024"):
                    yield Finding(
                        "alerts/units",
                        path,
                        "the text speaks of KB/MB/GB but the expression's value is in bytes: scale the "
                        "expression (/ 1024 / 1024) or use {{ $value | humanize1024 }}B",
                    )
                    break
        elif found.unit == "rate":
            yield from _rate_text(base, texts, found.factor, shown)


def _rate_text(
    base: PathKey, texts: list[tuple[PathKey, str]], factor: float, shown: str
) -> Iterator[Finding]:
    for _, text in texts:
        if factor == 1 and _PER_MINUTE.search(text):
            yield Finding(
                "alerts/rate-per-minute-text",
                (*base, "expr"),
                f"compares a per-second rate() with {shown} but the text says per minute: "
                f"multiply the rate by 60 (sum(rate(...)) * 60 > {shown}) or reword the text",
            )
            return
        if factor == 60 and _PER_SECOND.search(text):
            yield Finding(
                "alerts/rate-per-minute-text",
                (*base, "expr"),
                f"compares rate() * 60 (per minute) with {shown} but the text says per second: "
                "drop the * 60 or reword the text",
            )
            return
