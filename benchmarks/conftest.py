"""Benchmarks run by `make bench` only (never by `make test`): speed and memory goals."""
