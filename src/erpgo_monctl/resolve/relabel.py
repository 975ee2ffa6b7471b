"""What a scrape job's relabelling does to one label of the series it stores, for the label cross-checks.

Prometheus builds a series' labels in two steps: target labels (`job`, the static `labels:`,
then `relabel_configs`) merged over the scraped series' own, then `metric_relabel_configs`
on every sample. `label_fate` follows one label name through both and answers only what is
certain: a value every series of the job carries (a static label, a literal `replace`), that
the label is present with some value, that it is certainly absent (a `labeldrop`/`labelkeep`
in `metric_relabel_configs`), or unknown. A drop in `relabel_configs` removes only the target
label: the scraped series may still carry one, so it makes the label unknown, not absent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from erpgo_monctl.analysis.regex import full_match
from erpgo_monctl.spec.scrape import RelabelConfig

State = Literal["absent", "set", "present", "unknown"]
# a replace that writes its replacement whatever the source labels hold (Prometheus' default regex)
_MATCH_ALL = (None, "(.*)", ".*", "(.+)?")


@dataclass(frozen=True)
class LabelFate:
    """What every series of one job certainly has for one label name."""

    state: State  # absent: never there; set: always `value`; present: always there; unknown: can't tell
    value: str | None = None
    because: str = ""  # the relabel step that decided it (for messages)


UNKNOWN = LabelFate("unknown")


def _step(config: RelabelConfig, label: str, fate: LabelFate, where: str) -> LabelFate:
    action = config.action
    if action in ("labeldrop", "labelkeep"):
        assert config.regex is not None  # the model refuses either without regex
        matched = full_match(config.regex, label)
        if matched == (action == "labeldrop"):
            return LabelFate("absent", because=f"{where}: {action} regex {config.regex!r}")
        return fate
    if action == "labelmap":  # may copy another label's value onto this name
        return LabelFate("present") if fate.state in ("set", "present") else UNKNOWN
    target = config.target_label
    if target is None or action in ("keep", "drop", "keepequal", "dropequal"):
        return fate  # keeps or drops whole series: the label of a series that stays is unchanged
    if "$" in target:
        return UNKNOWN  # a templated target label may be any name, this one included
    if target != label:
        return fate
    replacement = config.replacement
    if (
        action == "replace"
        and config.regex in _MATCH_ALL
        and replacement is not None
        and "$" not in replacement
    ):
        if replacement == "":
            return LabelFate("absent", because=f"{where}: replace with an empty replacement")
        return LabelFate("set", replacement, because=f"{where}: replace target_label {label!r}")
    if fate.state in ("set", "present") and action in ("lowercase", "uppercase"):
        return LabelFate("present")
    return UNKNOWN


def label_fate(
    label: str,
    target_labels: Mapping[str, str],
    relabel_configs: Sequence[RelabelConfig] = (),
    metric_relabel_configs: Sequence[RelabelConfig] = (),
    honor_labels: bool = False,
) -> LabelFate:
    """`label` on the series of a job with `target_labels` (job and static labels) and this relabelling."""
    if label in target_labels:
        fate = LabelFate("set", target_labels[label], "a target label of the job")
    elif label == "instance":
        fate = LabelFate("present")  # Prometheus sets it from __address__ when relabelling leaves none
    else:
        fate = UNKNOWN
    for index, config in enumerate(relabel_configs):
        fate = _step(config, label, fate, f"relabel_configs[{index}]")
    if fate.state == "absent":
        fate = UNKNOWN  # the target label is gone; the scraped series may carry its own
    elif fate.state == "set" and honor_labels:
        fate = LabelFate("present")  # the scraped series' own value wins over the target's
    for index, config in enumerate(metric_relabel_configs):
        fate = _step(config, label, fate, f"metric_relabel_configs[{index}]")
    return fate


def combined(fates: Sequence[LabelFate]) -> LabelFate:
    """What is certain of a label on series that may come from any of several jobs (all of `fates`)."""
    if not fates:
        return UNKNOWN
    states = {fate.state for fate in fates}
    first: LabelFate = fates[0]
    if states == {"absent"}:
        return first
    if states == {"set"} and len({fate.value for fate in fates}) == 1:
        return first
    if states <= {"set", "present"}:
        return LabelFate("present")
    return UNKNOWN


def written_labels(*configs: Sequence[RelabelConfig]) -> set[str]:
    """Label names relabel steps write literally (a target_label without $): the candidates for `set`."""
    return {
        config.target_label
        for group in configs
        for config in group
        if config.target_label is not None and "$" not in config.target_label
    }
