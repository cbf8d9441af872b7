"""Benchmarks of pmo_analytics, run by ``make bench`` (``python -m benchmarks``).

Each ``bench_*.py`` module defines ``CASES``: a list of :class:`benchmarks.harness.Case`. Every
case runs in a fresh process so that its peak memory is its own; the runner prints one table.
Performance is measured here, never asserted as wall-clock limits in tests.
"""
