"""API request and response schemas, separate from the records models."""
