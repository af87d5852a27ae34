"""docs/functions.md lists every worksheet function with its signature, help and arguments."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import addin.functions

DOCS = (Path(__file__).parents[3] / "docs" / "functions.md").read_text(encoding="utf-8")
FLAT = " ".join(DOCS.split())


def _signature(name: str) -> str:
    params = inspect.signature(getattr(addin.functions, name)).parameters.values()
    shown = [p.name if p.default is inspect.Parameter.empty else f"[{p.name}]" for p in params]
    return f"### `{name.upper()}({', '.join(shown)})`"


@pytest.mark.parametrize("name", addin.functions.__all__)
def test_every_function_is_documented_with_signature_help_and_example(name):
    assert _signature(name) in DOCS
    function = getattr(addin.functions, name)
    assert " ".join(function.__doc__.split()) in FLAT
    for arg in function.__xlfunc__["args"]:
        assert f"`{arg['name']}`" in DOCS and arg["doc"] in FLAT, arg["name"]
    section = DOCS.split(_signature(name))[1].split("\n### ")[0]
    assert f"={name.upper()}(" in section, "no example"


def test_docs_name_no_function_that_does_not_exist():
    documented = {
        line.split("`")[1].split("(")[0]
        for line in DOCS.splitlines()
        if line.startswith("### `PB_")
    }
    assert documented == {n.upper() for n in addin.functions.__all__}
