"""Semantics of the outside systems, stage-neutral: PromQL, matchers, route trees, Go templates."""
