"""Planbook's service edge: the versioned snapshot store and the FastAPI sync service."""
