"""The opt-in `keyring` backend: deadlines, a cross-process negative cache and the per-index
policy for every installer that asks the `keyring` package or command.

keyring loads `policy.keyring_backend.backend` through its `keyring.backends` entry point;
nothing in the library imports this package. This file imports nothing, so that loading the
entry point costs only what the backend module itself needs.
"""
