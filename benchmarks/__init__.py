"""The side-by-side benchmark: keyring-policy, uv and pip against one local index.

Run `python -m benchmarks` from the repository root; see `benchmarks/README.md`.
"""
