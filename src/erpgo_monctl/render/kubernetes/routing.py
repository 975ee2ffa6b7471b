"""The route tree alerts meet on a cluster: the operator's merge of the AlertmanagerConfig, as a spec route.

`monctl routes --target kubernetes` evaluates this tree with the same evaluator as the
compose one (analysis/routing.py), so what it prints is what the operator-managed
Alertmanager does: only alerts with `namespace="<namespace>"` enter the spec's routes,
receivers are named `<namespace>/<name>/<receiver>`, and anything else stays at the
cluster's root receiver ("null" in kube-prometheus-stack).
"""

from __future__ import annotations

from dataclasses import dataclass

from erpgo_monctl.render.kubernetes.alertmanager import alertmanager_config
from erpgo_monctl.render.kubernetes.operator import operator_alertmanager_config
from erpgo_monctl.render.kubernetes.resources import settings
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.spec.alertmanager import RootRoute


@dataclass(frozen=True)
class ClusterRouting:
    root: RootRoute  # the cluster's root; its first child is the spec's root route
    extra_labels: dict[str, str]  # what the target adds to every alert (the namespace label)


def cluster_routing(model: Model) -> ClusterRouting | None:
    """The merged tree in alertmanager_config mode; None in secret mode (the spec's tree is all there is)."""
    config = settings(model)
    if config.alertmanager_mode != "alertmanager_config":
        return None
    merged = operator_alertmanager_config(alertmanager_config(model, config))
    root = RootRoute.model_validate(merged["route"])
    extra = {"namespace": config.namespace} if config.namespace_label else {}
    return ClusterRouting(root, extra)
