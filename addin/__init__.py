"""The Excel edge of Planbook: worksheet functions (``addin.functions``), their settings and
per-version cache. Business arithmetic stays in :mod:`planbook`; this package converts what
Excel sends and what the core answers.
"""
