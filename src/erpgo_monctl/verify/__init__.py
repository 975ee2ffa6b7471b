"""Real tools on a rendered tree: promtool, amtool, schemas, dashboard rules; and `monctl test`."""
