"""Read-only reports over the resolved model (`monctl routes`)."""
