"""The evaluation harness: fixture reader, scorer, runner and the annotated fixtures."""
