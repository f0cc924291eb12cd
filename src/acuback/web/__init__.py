"""The web shell: the FastAPI app factory, the JSON API, security, and (later) HTML views."""
