"""`python -m policy` is the `keyring-policy` command."""

from policy.cli import main

raise SystemExit(main())
