"""Benchmarks of the booking API: availability latency and booking throughput."""
