"""The credentials wing: the `Credentials` value, and every place credentials are found.

`values` is the value type; `lookup` runs the lookups of one process (netrc, the credentials
file, the keyring backends under `backends/`); `index_env` reads `UV_INDEX_<NAME>_*`.
"""
