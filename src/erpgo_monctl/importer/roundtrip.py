"""The proof of an import: import, render, and compare the output with the input after normalisation.

One check any test (or a user's CI) can call on any inputs: `round_trip(paths)` returns every
difference between what the inputs configure and what monctl renders from the imported spec —
scrape jobs and targets, rules (name, expression after PromQL normalisation, `for`, labels,
annotations), receivers — and, for Alertmanager, the routing decision for every label set that
exercises the route tree, from `amtool config routes test` run on the original and on the
rendered file. It lives in the package, not in tests/, because it is the product's own claim
("whose render is equivalent") and should stay typed, linted and usable outside the suite.

Normalisation, stated once: expressions compared as promql-parser prints them; `for: 0s` equals
no `for`; durations compared in seconds; annotation text stripped of surrounding whitespace;
Prometheus' defaults written out (job metrics_path /metrics, scheme http, global intervals);
secrets compared as "present" (values never leave their files); for routing, only the route tree
and receiver names (all routing depends on) are given to amtool, so defects elsewhere in the
original file (fields amtool refuses) do not hide the routing comparison.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erpgo_monctl.analysis.promql import parse
from erpgo_monctl.analysis.regex import full_match
from erpgo_monctl.importer import ImportResult, import_files
from erpgo_monctl.importer.documents import detect_kind, read_documents
from erpgo_monctl.importer.matchers import from_match_maps, parse_matchers
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.spec.types import duration_seconds

MAX_LABEL_SETS = 60  # amtool runs twice per label set (~30 ms each)
SECRET_KEYS = {
    "api_url": "api_url",
    "api_url_file": "api_url",
    "routing_key": "routing_key",
    "routing_key_file": "routing_key",
    "service_key": "service_key",
}


@dataclass
class RoundTrip:
    """Differences found (empty: equivalent), and how much was compared."""

    differences: list[str] = field(default_factory=list)
    imported: ImportResult | None = None
    rendered: dict[str, Any] = field(default_factory=dict)  # parsed rendered configs by output path
    jobs: int = 0
    rules: int = 0
    receivers: int = 0
    label_sets: int = 0  # routed through amtool on both files


def round_trip(paths: list[Path], *, split: bool = False, amtool: str | None = "amtool") -> RoundTrip:
    """Import `paths`, render the spec, compare with the inputs; amtool=None skips the routing check."""
    import yaml  # PyYAML reads configs as Go's yaml.v2 does

    from erpgo_monctl.load.files import load_file
    from erpgo_monctl.load.include import resolve_includes
    from erpgo_monctl.load.parse import parse_spec
    from erpgo_monctl.render.targets import TARGETS, render_target
    from erpgo_monctl.resolve.model import resolve

    result = RoundTrip()
    imported = import_files(paths, split=split)
    result.imported = imported
    if not imported.files:
        result.differences.append(
            "import wrote no spec: " + "; ".join(d.as_text() for d in imported.diagnostics)
        )
        return result
    with tempfile.TemporaryDirectory(prefix="monctl-roundtrip-") as work:
        root = Path(work) / "spec.yaml"
        for relative, text in imported.files.items():
            target = root if relative == next(iter(imported.files)) else Path(work) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        loaded = resolve_includes(load_file(root))
        files = render_target(resolve(parse_spec(loaded), loaded.source), TARGETS["compose"])
        rendered = {
            str(path): yaml.safe_load(data)
            for path, data in files.items()
            if str(path).startswith("configs/") and str(path).endswith(".yml")
        }
        result.rendered = rendered
        original = _originals(paths)
        _compare_jobs(result, original, rendered.get("configs/prometheus.yml") or {})
        _compare_rules(result, original, rendered)
        if original["alertmanager"] is not None:
            am_rendered = rendered["configs/alertmanager.yml"]
            _compare_receivers(result, original["alertmanager"], am_rendered)
            if amtool and shutil.which(amtool):
                _compare_routing(
                    result, original["alertmanager"], am_rendered, original["alerts"], amtool, work
                )
    return result


# ------------------------------------------------------------------------------------------ originals


def _originals(paths: list[Path]) -> dict[str, Any]:
    """What the inputs configure: scrape configs, rules, the Alertmanager config, following rule_files."""
    import glob

    found: dict[str, Any] = {"prometheus": [], "rules": [], "alertmanager": None, "alerts": []}
    pending = list(paths)
    seen: set[Path] = set()
    while pending:
        path = pending.pop(0)
        if path.resolve() in seen or not path.is_file():
            continue
        seen.add(path.resolve())
        for doc in read_documents(path):
            kind = detect_kind(doc.data)
            data = doc.data
            if kind == "prometheus":
                found["prometheus"].append(data)
                found["rules"] += _rules(data.get("recording_rules"))
                for pattern in data.get("rule_files") or []:
                    full = str(path.parent / str(pattern))
                    pending += [
                        Path(p) for p in (sorted(glob.glob(full)) if glob.has_magic(full) else [full])
                    ]
            elif kind == "rule-file":
                found["rules"] += _rules(data.get("groups"))
            elif kind == "prometheus-rule":
                found["rules"] += _rules((data.get("spec") or {}).get("groups"))
            elif kind == "alertmanager" and found["alertmanager"] is None:
                found["alertmanager"] = data
    found["alerts"] = [r for r in found["rules"] if r[0] == "alert"]
    return found


def _rules(groups: Any) -> list[tuple[Any, ...]]:
    out = []
    for group in groups or []:
        for rule in group.get("rules") or []:
            out.append(_rule_key(group, rule))
    return out


def _expr(text: Any) -> str:
    tree, _ = parse(str(text))
    return " ".join(str(text).split()) if tree is None else str(tree)


def _seconds(value: Any) -> float:
    return duration_seconds(str(value)) if value else 0.0


def _rule_key(group: dict[str, Any], rule: dict[str, Any]) -> tuple[Any, ...]:
    """A rule as a hashable, normalised tuple: (kind, name, group, expr, for, labels, annotations)."""
    kind = "alert" if "alert" in rule else "record"
    labels = tuple(sorted((str(k), str(v)) for k, v in (rule.get("labels") or {}).items()))
    annotations = tuple(sorted((str(k), str(v).strip()) for k, v in (rule.get("annotations") or {}).items()))
    return (
        kind,
        str(rule.get(kind)),
        str(group.get("name")),
        _expr(rule.get("expr")),
        _seconds(rule.get("for")),
        _seconds(group.get("interval")),
        labels,
        annotations,
    )


# ------------------------------------------------------------------------------------------ comparisons


def _job(config: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    targets: list[str] = []
    labels: dict[str, str] = {}
    for static in config.get("static_configs") or []:
        targets += [str(t) for t in static.get("targets") or []]
        labels.update({str(k): str(v) for k, v in (static.get("labels") or {}).items()})
    other = sorted(
        k
        for k in config
        if k
        not in ("job_name", "static_configs", "metrics_path", "scheme", "scrape_interval", "scrape_timeout")
    )
    return {
        "targets": sorted(targets),
        "labels": labels,
        "metrics_path": config.get("metrics_path", "/metrics"),
        "scheme": config.get("scheme", "http"),
        "scrape_interval": _seconds(config.get("scrape_interval", defaults.get("scrape_interval", "1m"))),
        "scrape_timeout": _seconds(config.get("scrape_timeout", defaults.get("scrape_timeout", "10s"))),
        "other settings": other,
    }


def _compare_jobs(result: RoundTrip, original: dict[str, Any], rendered: dict[str, Any]) -> None:
    if not original["prometheus"]:
        return
    source = original["prometheus"][0]
    before = {
        str(j.get("job_name")): _job(j, source.get("global") or {})
        for j in source.get("scrape_configs") or []
    }
    after = {
        str(j["job_name"]): _job(j, rendered.get("global") or {})
        for j in rendered.get("scrape_configs") or []
    }
    result.jobs = len(before)
    for name in sorted(set(before) | set(after)):
        if name not in after:
            result.differences.append(f"scrape job {name}: not rendered")
        elif name not in before:
            result.differences.append(f"scrape job {name}: rendered, not in the input")
        elif before[name] != after[name]:
            changed = {
                k: (before[name][k], after[name][k])
                for k in before[name]
                if before[name][k] != after[name][k]
            }
            result.differences.append(f"scrape job {name}: {changed}")
    before_labels = (source.get("global") or {}).get("external_labels") or {}
    if before_labels != ((rendered.get("global") or {}).get("external_labels") or {}):
        result.differences.append("global external_labels differ")


def _compare_rules(result: RoundTrip, original: dict[str, Any], rendered: dict[str, Any]) -> None:
    before = Counter(original["rules"])
    after: Counter[tuple[Any, ...]] = Counter()
    for path in ("configs/alert_rules.yml", "configs/recording_rules.yml"):
        after.update(_rules((rendered.get(path) or {}).get("groups")))
    result.rules = sum(before.values())
    for rule in sorted((before - after).elements(), key=str):
        twin = [r for r in after if r[:2] == rule[:2] and r not in before]
        hint = f"; rendered as {_diff(rule, twin[0])}" if twin else "; not rendered"
        result.differences.append(f"{rule[0]} {rule[1]} (group {rule[2]}){hint}")
    for rule in sorted((after - before).elements(), key=str):
        if not any(r[:2] == rule[:2] for r in before):
            result.differences.append(f"{rule[0]} {rule[1]} (group {rule[2]}): rendered, not in the input")


def _diff(before: tuple[Any, ...], after: tuple[Any, ...]) -> str:
    names = ("kind", "name", "group", "expr", "for", "interval", "labels", "annotations")
    parts = []
    for name, old, new in zip(names, before, after, strict=True):
        if old != new:
            if isinstance(old, tuple):
                old, new = dict(old), dict(new)
                parts.append(
                    f"{name} { ({k: old.get(k) for k in set(old) | set(new) if old.get(k) != new.get(k)}) }"
                    f" -> { ({k: new.get(k) for k in set(old) | set(new) if old.get(k) != new.get(k)}) }"
                )
            else:
                parts.append(f"{name} {old!r} -> {new!r}")
    return ", ".join(parts)


def _integration(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """One receiver integration with secrets reduced to "present" and equivalent spellings unified."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if key in SECRET_KEYS:
            out[SECRET_KEYS[key]] = "<secret>"
        elif key == "subject":
            out.setdefault("headers", {})["Subject"] = value
        elif key == "headers":
            out.setdefault("headers", {}).update(value)
        elif key == "http_config":
            http = dict(value)
            auth = http.pop("authorization", None) or {}
            if auth or "bearer_token" in http or "bearer_token_file" in http:
                http.pop("bearer_token", None)
                http.pop("bearer_token_file", None)
                out["bearer"] = "<secret>"
            if http:
                out["http_config"] = http
        else:
            out[key] = value.strip() if isinstance(value, str) else value
    return out


def _receivers(config: dict[str, Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for receiver in config.get("receivers") or []:
        entries = []
        for key, configs in receiver.items():
            if key.endswith("_configs"):
                entries += [(key, _integration(key, c)) for c in configs or []]
        found[str(receiver.get("name"))] = sorted(entries, key=str)
    return found


def _compare_receivers(result: RoundTrip, original: dict[str, Any], rendered: dict[str, Any]) -> None:
    before, after = _receivers(original), _receivers(rendered)
    result.receivers = len(before)
    for name in sorted(set(before) | set(after)):
        if name not in after or name not in before:
            result.differences.append(
                f"receiver {name}: only in the {'input' if name in before else 'output'}"
            )
        elif before[name] != after[name]:
            result.differences.append(f"receiver {name}: {before[name]} -> {after[name]}")


# ------------------------------------------------------------------------------------------ routing


def _route_matchers(route: dict[str, Any]) -> list[tuple[str, str, str]]:
    texts = from_match_maps(route.get("match"), route.get("match_re"))
    texts += [str(m) for m in route.get("matchers") or []]
    return [part for text in texts for part in (parse_matchers(text) or [])]


def _candidate(op: str, value: str) -> str | None:
    if op == "=":
        return value
    if op != "=~":
        return None
    options = [value, *re.split(r"\|", value.strip("^$").strip("()"))]
    for option in options:
        plain = option.strip("^$()")
        if full_match(value, plain):  # RE2, as Alertmanager matches (a refused pattern matches nothing)
            return plain
    return None


def label_sets(route: dict[str, Any], alerts: list[tuple[Any, ...]]) -> list[dict[str, str]]:
    """Label sets that reach every route of the tree (and one past it), plus each alert's static labels."""
    sets: list[dict[str, str]] = [{"alertname": "RoundTripNoMatch"}]
    stack: list[tuple[dict[str, Any], list[tuple[str, str, str]]]] = [(route, [])]
    while stack:
        node, path = stack.pop(0)
        for child in node.get("routes") or []:
            matchers = path + _route_matchers(child)
            labels = {"alertname": "RoundTrip"}
            for label, op, value in matchers:
                picked = _candidate(op, value)
                if picked is not None:
                    labels[label] = picked
            sets.append(labels)
            stack.append((child, matchers))
    for alert in alerts:
        sets.append({"alertname": str(alert[1]), **dict(alert[6])})
    unique = list({tuple(sorted(s.items())): s for s in sets}.values())
    return unique[:MAX_LABEL_SETS]


def _routing_config(config: dict[str, Any]) -> dict[str, Any]:
    """Only what routing depends on: the route tree, receiver names, the time intervals routes name."""
    minimal: dict[str, Any] = {
        "route": config["route"],
        "receivers": [{"name": r["name"]} for r in config.get("receivers") or []],
    }
    for key in ("time_intervals", "mute_time_intervals"):
        if key in config:
            minimal[key] = config[key]
    return minimal


def _amtool_routes(amtool: str, path: Path, labels: dict[str, str]) -> str:
    args = [
        amtool,
        "config",
        "routes",
        "test",
        f"--config.file={path}",
        *(f"{k}={v}" for k, v in labels.items()),
    ]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    return (
        (done.stdout.strip() or done.stderr.strip()).splitlines()[-1] if (done.stdout or done.stderr) else ""
    )


def _compare_routing(
    result: RoundTrip,
    original: dict[str, Any],
    rendered: dict[str, Any],
    alerts: list[Any],
    amtool: str,
    work: str,
) -> None:
    before_file = Path(work) / "original-routes.yml"
    after_file = Path(work) / "rendered-routes.yml"
    before_file.write_text(dump_yaml(_routing_config(original)), encoding="utf-8")
    after_file.write_text(dump_yaml(_routing_config(rendered)), encoding="utf-8")
    for labels in label_sets(original["route"], alerts):
        before = _amtool_routes(amtool, before_file, labels)
        after = _amtool_routes(amtool, after_file, labels)
        result.label_sets += 1
        if before != after:
            result.differences.append(f"routing of {labels}: input -> {before!r}, rendered -> {after!r}")
