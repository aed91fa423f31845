"""The settings wing: what uv would read, resolved with uv's precedence and errors.

`models` holds the resolved `Settings`; `origins` reads flags, environment and files into it
(one class per origin); the rest are the pieces those two need: file models, discovery,
preview features, TOML spans and uv-style error text, and the JSON Schema generator.
"""
