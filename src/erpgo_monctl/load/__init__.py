"""Bytes -> plain data + source map: limits, the YAML event builder, include:, environment overlays."""
