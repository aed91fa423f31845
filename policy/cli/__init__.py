"""The `keyring-policy` command line: `main`, one module per command, and the demo."""
