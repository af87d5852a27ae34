"""The Excel edge of Planbook: workbook templates, the workbook reader, xlwings functions.

Everything that reads or writes a workbook lives here; the arithmetic it shows is the core's
(:mod:`planbook`), written as native Excel formulas where Excel can compute it itself.
"""
