"""monctl's SLO rules beside Sloth's and Pyrra's for the same SLO, measured in promtool (docs/slo.md).

The peer rule files below are written in the shape each tool generates for the SLO
`availability` (99.9 %, errors `code=~"5.."` over `http_requests_total`): Sloth's
`slo:sli_error:ratio_rate<w>` with its SLO-window ratio the mean of the 5m ratios and,
for 28d, its window file's factors (0.933 for the slow ticket); Pyrra's
`<metric>:increase<window>` for the SLO-window ratio. The same input series go through
monctl's rendered rules and the peers'; each test states the difference it measures.
"""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from erpgo_monctl.pipeline import render_model
from erpgo_monctl.write import write_tree
from tests.conftest import need
from tests.slo_specs import AVAILABILITY, model_of, spec_text

ERRORS = 'http_requests_total{code=~"5.."}'
TOTAL = "http_requests_total"
SLOTH_SEL = 'sloth_slo="availability"'


def sloth_rules(window: str) -> dict[str, Any]:
    """Sloth's recordings for the SLO (the ones these tests read) and, for 28d, its ticket alert."""
    rules: list[dict[str, Any]] = [
        {
            "record": f"slo:sli_error:ratio_rate{w}",
            "expr": f"(sum(rate({ERRORS}[{w}]))) / (sum(rate({TOTAL}[{w}])))",
            "labels": {"sloth_slo": "availability", "sloth_window": w},
        }
        for w in ("5m", "6h", "3d")
    ]
    rules.append(
        {
            "record": f"slo:sli_error:ratio_rate{window}",
            "expr": f"sum_over_time(slo:sli_error:ratio_rate5m{{{SLOTH_SEL}}}[{window}])\n"
            "/ ignoring (sloth_window)\n"
            f"count_over_time(slo:sli_error:ratio_rate5m{{{SLOTH_SEL}}}[{window}])",
            "labels": {"sloth_window": window},
        }
    )
    if window == "28d":  # google-28d.yaml: 10% of the budget in 3d is a factor of 0.1 x 28 / 3
        threshold = "(0.9333333333333333 * 0.001)"
        rules.append(
            {
                "alert": "SlothTicket",
                "expr": f"(slo:sli_error:ratio_rate6h{{{SLOTH_SEL}}} > {threshold})\n"
                f"and ignoring (sloth_window)\n(slo:sli_error:ratio_rate3d{{{SLOTH_SEL}}} > {threshold})",
            }
        )
    return {"groups": [{"name": "sloth", "rules": rules}]}


def pyrra_rules(window: str) -> dict[str, Any]:
    """Pyrra's increase recordings over the SLO window and the availability it derives from them."""
    return {
        "groups": [
            {
                "name": "pyrra",
                "rules": [
                    {
                        "record": f"http_requests:increase{window}",
                        "expr": f"sum by (code) (increase({TOTAL}[{window}]))",
                        "labels": {"slo": "availability"},
                    },
                    {
                        "record": "pyrra_error_ratio",
                        "expr": f'sum(http_requests:increase{window}{{code=~"5..", slo="availability"}})\n'
                        f'/ sum(http_requests:increase{window}{{slo="availability"}})',
                    },
                ],
            }
        ]
    }


def counters(phases: list[tuple[int, int, int]]) -> list[dict[str, str]]:
    """(minutes, events/min, bad/min) phases as a 500 and a 200 counter (whole steps, high start)."""
    bad, good = [], []
    bad_value = good_value = 10_000_000
    for index, (minutes, total, errors) in enumerate(phases):
        for series, value, step in ((bad, bad_value, errors), (good, good_value, total - errors)):
            start, count = (value, minutes) if index == 0 else (value + step, minutes - 1)
            series.append(f"{start}+{step}x{count}")
        bad_value += errors * minutes
        good_value += (total - errors) * minutes
    return [
        {"series": f'{TOTAL}{{code="500"}}', "values": " ".join(bad)},
        {"series": f'{TOTAL}{{code="200"}}', "values": " ".join(good)},
    ]


def run(tmp_path: Path, window: str, phases: list[tuple[int, int, int]], tests: list[dict[str, Any]]) -> str:
    """Render monctl's rules for the SLO, write the peers', run one promtool test over all three."""
    model = model_of(spec_text(AVAILABILITY + f"  window: {window}\n"))
    write_tree(render_model(model), tmp_path / "out")
    (tmp_path / "sloth.yml").write_text(yaml.safe_dump(sloth_rules(window)))
    (tmp_path / "pyrra.yml").write_text(yaml.safe_dump(pyrra_rules(window)))
    doc = {
        "rule_files": ["out/configs/slo_rules.yml", "sloth.yml", "pyrra.yml"],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": counters(phases), **test} for test in tests],
    }
    (tmp_path / "peers_test.yml").write_text(yaml.safe_dump(doc, sort_keys=False))
    proc = subprocess.run(
        [need("promtool"), "test", "rules", "peers_test.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def close(expr: str, value: Decimal, at: str, within: Decimal = Decimal("1e-09")) -> dict[str, Any]:
    return {
        "expr": f"abs(sum({expr}) - {value}) < bool {within}",
        "eval_time": at,
        "exp_samples": [{"labels": "{}", "value": 1}],
    }


def test_busy_hour_and_quiet_bad_hour_sloth_reads_14_times_the_truth(tmp_path: Path) -> None:
    """1h at 1,000,000 events/min with 0.05 % errors, then 1h at 10,000/min with 2 % errors.
    The truth (bad / all events) is 0.000693 (0.69x the budget); Pyrra reads it, monctl 0.000685,
    Sloth's mean of 5m ratios reads 0.0096 (9.6x), under Prometheus 2's range semantics."""
    phases = [(60, 1_000_000, 500), (60, 10_000, 200)]
    truth = Decimal(500 * 60 + 200 * 60) / Decimal(1_000_000 * 60 + 10_000 * 60)
    # Sloth: the mean of the 5m ratios recorded each minute from 1m to 120m ([t-5m, t], 1m samples)
    bad = [0] + [500] * 60 + [200] * 60
    total = [0] + [1_000_000] * 60 + [10_000] * 60
    ratios = [
        Decimal(sum(bad[max(1, t - 4) : t + 1])) / Decimal(sum(total[max(1, t - 4) : t + 1]))
        for t in range(1, 121)
    ]
    sloth = sum(ratios) / len(ratios)
    assert round(truth / Decimal("0.001"), 2) == Decimal("0.69")  # 0.69x the budget
    assert round(sloth / Decimal("0.001"), 1) == Decimal("9.6")  # 9.6x: 14 times the truth
    run(
        tmp_path,
        "30d",
        phases,
        [
            {
                "promql_expr_test": [
                    # monctl's sums of recorded 5m rates count the last minutes' events in fewer
                    # windows (and rate() extrapolates the first ones): 0.685x, within 1.5 % of the truth
                    close(
                        'slo:sli_error:ratio_rate30d{slo="availability"}',
                        truth,
                        "2h",
                        truth * Decimal("0.015"),
                    ),
                    close("pyrra_error_ratio", truth, "2h"),
                    close(
                        f"slo:sli_error:ratio_rate30d{{{SLOTH_SEL}}}", sloth.quantize(Decimal("1e-15")), "2h"
                    ),
                ]
            }
        ],
    )


def test_five_minutes_without_traffic_leave_sloths_window_ratio_nan(tmp_path: Path) -> None:
    """1h of traffic, 10 minutes with none (counters flat), 10 minutes of traffic again: every
    short-window ratio is 0/0 = NaN while nothing happens (in all three); Sloth's SLO-window
    ratio averages those NaNs and stays NaN for the whole window, monctl's and Pyrra's do not."""
    phases = [(60, 1_000_000, 500), (10, 0, 0), (10, 1_000_000, 500)]
    nan = {"eval_time": "80m", "exp_samples": [{"labels": "{}", "value": 1}]}
    sloth, ours = (
        f"slo:sli_error:ratio_rate30d{{{SLOTH_SEL}}}",
        'slo:sli_error:ratio_rate30d{slo="availability"}',
    )
    run(
        tmp_path,
        "30d",
        phases,
        [
            {
                "promql_expr_test": [
                    {**nan, "expr": f"count({sloth} != {sloth})"},  # NaN is the one value unequal to itself
                    {**nan, "expr": f"count({ours} == {ours})"},
                    {**nan, "expr": "count(pyrra_error_ratio == pyrra_error_ratio)"},
                ]
            }
        ],
    )


def test_a_28d_slo_at_a_steady_095x_burn_opens_a_ticket_in_sloth_only(tmp_path: Path) -> None:
    """A 28d SLO burning 0.95x its budget meets the objective. Sloth's 28d window file keeps the
    1d/3d windows and scales the slow ticket's factor to 0.933: it tickets. monctl scales the
    windows (2d19h12m / 5h36m at factor 1) and Pyrra its own (4d / 6h at factor 1): neither does."""
    phases = [(420, 1_000_000, 950)]
    run(
        tmp_path,
        "28d",
        phases,
        [
            {
                "alert_rule_test": [
                    {
                        "eval_time": "7h",
                        "alertname": "SlothTicket",
                        "exp_alerts": [{"exp_labels": {"sloth_slo": "availability", "sloth_window": "6h"}}],
                    },
                    {"eval_time": "7h", "alertname": "AvailabilityErrorBudgetBurn", "exp_alerts": []},
                ]
            }
        ],
    )
