"""Fixtures of the add-in tests. xlwings reads ``XLWINGS_ON_SERVER`` when it is first
imported (without it, ``@xw.func`` registers nothing on Linux), so it is set here, at import
time, before any test module imports xlwings; the non-commercial key covers xlwings Server's
code paths in tests."""

from __future__ import annotations

import os
import sys

if "xlwings" in sys.modules and not os.environ.get("XLWINGS_ON_SERVER"):
    raise RuntimeError("xlwings was imported before tests/addin/conftest.py set XLWINGS_ON_SERVER")
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
