"""Benchmarks and the large-data generator, run by hand (`python -m bench.generate`, `python -m bench.run`)."""
