"""The custom functions' metadata in Microsoft's ``functions.json`` shape, read from the one
Python definition of each worksheet function (:mod:`addin.functions`).

Everything comes from the definitions themselves: the name (``pb_get`` -> ``GET``, shown by
Excel as ``=PB.GET`` under the manifest's namespace), the docstring, the parameters and their
defaults (:func:`inspect.signature`), each argument's help (the ``doc=`` of its ``arg``
decorator) and whether it answers a table (``excel_function(tabular=True)``), read from the
source (:mod:`addin.functions.docs`), so no xlwings server part (PolyForm/PRO licensed) is
needed to describe the functions.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import cache
from typing import Any

import addin.functions
from addin.functions.docs import decorators

__all__ = ["NAMESPACE", "Definition", "definitions", "functions_json"]

NAMESPACE = "PB"
"""The manifest's namespace: Office.js formulas read ``=PB.GET(...)``."""


@dataclass(frozen=True)
class Definition:
    """One worksheet function as Office.js sees it."""

    name: str  # Excel's name without the namespace: GET
    python: str  # the Python name: pb_get
    description: str
    params: tuple[tuple[str, str, bool], ...]  # (name, help, optional)
    tabular: bool

    @property
    def function(self) -> Any:
        """The Python function itself."""
        return getattr(addin.functions, self.python)


@cache
def definitions() -> tuple[Definition, ...]:
    """Every function of :mod:`addin.functions`, in ``__all__`` order."""
    out = []
    for python in addin.functions.__all__:
        fn = getattr(addin.functions, python)
        docs, tabular = decorators(fn)
        params = tuple(
            (p.name, docs.get(p.name, p.name), p.default is not inspect.Parameter.empty)
            for p in inspect.signature(fn).parameters.values()
        )
        description = " ".join((fn.__doc__ or "").split())
        out.append(
            Definition(python.removeprefix("pb_").upper(), python, description, params, tabular)
        )
    return tuple(out)


def functions_json() -> dict[str, Any]:
    """The metadata Excel loads (the manifest's ``Functions.Metadata.Url``)."""
    functions = []
    for d in definitions():
        functions.append(
            {
                "id": d.name,
                "name": d.name,
                "description": d.description[:255] if len(d.description) > 255 else d.description,
                "result": {"dimensionality": "matrix" if d.tabular else "scalar"},
                "parameters": [
                    {
                        "name": name,
                        "description": help_,
                        "type": "any",
                        "dimensionality": "matrix",
                        "optional": optional,
                    }
                    for name, help_, optional in d.params
                ],
            }
        )
    # error-valued arguments reach the functions (parameters of type any), which refuse them
    # with a reason instead of Excel answering the error unexplained
    return {"allowErrorForDataTypeAny": True, "functions": functions}
