"""Company-scale benchmarks: ``python -m benchmarks`` prints a table of medians and ratios
against baselines measured in the same run."""
