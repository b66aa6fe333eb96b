"""The analysis engine: pure functions over counts (no Django import anywhere in this package).

Modules: suppression (the one small-cell mechanism), stats (the statistics), distributions, crosstab, gaps,
change, recognition, freetext, benchmarks; cli (`python -m shokuba.analysis`). JSON: docs/analysis-json.md.
"""
