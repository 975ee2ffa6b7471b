"""What relabelling makes certain of one label (resolve/relabel.py): only certainties, never guesses."""

from __future__ import annotations

from erpgo_monctl.resolve.relabel import LabelFate, combined, label_fate
from erpgo_monctl.spec.scrape import RelabelConfig


def _relabel(**fields: object) -> RelabelConfig:
    return RelabelConfig.model_validate(fields)


def test_a_metric_relabel_labeldrop_or_labelkeep_makes_a_label_certainly_absent() -> None:
    drop = _relabel(action="labeldrop", regex="pod|container")
    fate = label_fate("pod", {"job": "api"}, metric_relabel_configs=[drop])
    assert fate.state == "absent" and "metric_relabel_configs[0]: labeldrop" in fate.because
    keep = _relabel(action="labelkeep", regex="__name__|job|instance|code")
    assert label_fate("pod", {"job": "api"}, metric_relabel_configs=[keep]).state == "absent"
    assert label_fate("code", {"job": "api"}, metric_relabel_configs=[keep]).state == "unknown"


def test_a_target_relabel_drop_leaves_the_label_unknown_the_series_may_carry_its_own() -> None:
    drop = _relabel(action="labeldrop", regex="team")
    assert label_fate("team", {"job": "api", "team": "shop"}, relabel_configs=[drop]).state == "unknown"


def test_static_labels_and_literal_replacements_are_set_and_a_later_drop_wins() -> None:
    assert label_fate("team", {"job": "api", "team": "shop"}) == LabelFate(
        "set", "shop", "a target label of the job"
    )
    literal = _relabel(target_label="env", replacement="prod")
    assert label_fate("env", {"job": "api"}, relabel_configs=[literal]).value == "prod"
    drop = _relabel(action="labeldrop", regex="env")
    assert label_fate("env", {"job": "api"}, [literal], [drop]).state == "absent"


def test_what_relabelling_cannot_fix_stays_unknown_or_merely_present() -> None:
    from_source = _relabel(source_labels=["__meta_consul_service"], target_label="service")
    assert label_fate("service", {"job": "api"}, relabel_configs=[from_source]).state == "unknown"
    templated = _relabel(source_labels=["a"], regex="(.*)", target_label="${1}", replacement="x")
    assert label_fate("team", {"job": "api", "team": "shop"}, relabel_configs=[templated]).state == "unknown"
    assert label_fate("team", {"job": "api", "team": "shop"}, honor_labels=True).state == "present"
    assert label_fate("instance", {"job": "api"}).state == "present"


def test_several_jobs_are_certain_only_where_all_agree() -> None:
    shop, web = LabelFate("set", "shop"), LabelFate("set", "web")
    assert combined([shop, shop]) == shop
    assert combined([shop, web]).state == "present"
    assert combined([shop, LabelFate("unknown")]).state == "unknown"
    assert combined([LabelFate("absent", because="x"), LabelFate("absent", because="y")]).because == "x"
    assert combined([]).state == "unknown"
