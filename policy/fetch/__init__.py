"""The fetch wing: the request flow around real HTTP, the credential cache, the Simple API."""
