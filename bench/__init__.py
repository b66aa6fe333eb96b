"""Benchmarks: `make bench` (or `python -m bench --only NAME`).

Each figure is printed on its own line:
    bench: <name> <value> <unit> ratio=<value to reference> ref=<what the reference is>
Benchmarks run on a fresh database (a temporary SQLite file unless DATABASE_URL is set) with the demo data.
"""
