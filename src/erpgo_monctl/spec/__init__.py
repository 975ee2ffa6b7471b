"""The user-facing, versioned spec: loading with positions, and the v1 models."""
