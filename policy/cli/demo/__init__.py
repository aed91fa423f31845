"""`keyring-policy demo`: an embedded index, an isolated keyring file, and the narration."""
