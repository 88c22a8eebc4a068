"""Benchmarks (`python bench/run.py`, `make bench`) and the serving harness the tests share."""
