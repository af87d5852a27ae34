"""What each worksheet function's decorators say about it, read from its source with
:mod:`ast` (no xlwings server part is needed): each argument's help (the ``doc=`` of its
``@xw.arg``) and whether it answers a table (``excel_function(tabular=True)``). The
functions' metadata (:mod:`addin.web.meta`) and the check of blank required arguments
(:func:`addin.functions.convert.check_required`) both read it.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from functools import cache
from typing import Any

__all__ = ["decorators"]


@cache
def decorators(fn: Callable[..., Any]) -> tuple[dict[str, str], bool]:
    """The ``arg`` docs and the ``tabular`` flag of the function's decorators."""
    inner = inspect.unwrap(fn)
    module = inspect.getmodule(inner)
    assert module is not None
    tree = ast.parse(inspect.getsource(module))
    docs: dict[str, str] = {}
    tabular = False
    for node in tree.body:
        if not (isinstance(node, ast.FunctionDef) and node.name == inner.__name__):
            continue
        for deco in node.decorator_list:
            if not isinstance(deco, ast.Call):
                continue
            keywords = {k.arg: k.value for k in deco.keywords}
            first = deco.args[0] if deco.args else None
            doc = keywords.get("doc")
            if isinstance(first, ast.Constant) and isinstance(doc, ast.Constant):
                docs[str(first.value)] = str(doc.value)
            flag = keywords.get("tabular")
            if isinstance(flag, ast.Constant) and flag.value is True:
                tabular = True
    return docs, tabular
