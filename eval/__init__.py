"""The evaluation harness: fixture reader, scorer, runner, error analysis, plots, batch summaries and the fixtures."""
