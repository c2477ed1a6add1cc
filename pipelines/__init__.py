"""hotline-bulletin: the Dagster code location."""
