"""`python -m policy` is the `keyring-policy` command."""

from policy.cli.main import main

raise SystemExit(main())
