"""Jinja2 templates for text artifacts (runbooks, Alloy config); shipped as package data."""
