"""The Excel edge of Planbook: workbook templates (``addin.templates``), the workbook reader
(``addin.reader``), and worksheet functions and buttons through xlwings (``addin.functions``,
``addin.buttons``) with their settings and per-version cache.

Everything that reads or writes a workbook lives here; the arithmetic it shows is the core's
(:mod:`planbook`), written as native Excel formulas where Excel can compute it itself.
"""
