"""The service's routes under ``/api/v1``."""
