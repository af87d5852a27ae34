"""Classic Excel: the add-in's VBA wrappers and ribbon match the Python functions and buttons,
tables are plain dynamic arrays, and error values go in and out as Excel errors.

Excel and VBA cannot run here: the VBA is checked as text against the Python definitions, and
the Python side through xlwings' custom-function path (what the wrappers call)."""

from __future__ import annotations

import inspect
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

import addin.buttons
import addin.functions
from addin.classic import BUTTONS, CV_ERRORS, FILES, RIBBON, functions_module, with_ribbon
from addin.functions.convert import ERROR_VALUES
from tests.addin.functions_helpers import call, closed_session, error  # noqa: F401

ROOT = Path(__file__).resolve().parents[3]
COMMITTED = ROOT / "excel" / "classic"
NS = "{http://schemas.microsoft.com/office/2006/01/customui}"


@pytest.mark.parametrize("name", sorted(FILES))
def test_committed_addin_sources_match_the_generator(name):
    committed = (COMMITTED / name).read_bytes().decode("cp1252").replace("\r\n", "\n")
    assert committed == FILES[name](), f"{name} is stale; run python -m addin.classic"


@pytest.mark.parametrize("name", addin.functions.__all__)
def test_every_function_has_a_vba_wrapper_with_its_arguments(name):
    fn = getattr(addin.functions, name)
    (line,) = [
        li for li in functions_module().splitlines() if li.startswith(f"Function {name.upper()}(")
    ]
    params = [p.strip() for p in line.split("(", 1)[1].rstrip(")").split(",") if p.strip()]
    expected = [
        f"Optional {p.name} As Variant" if p.default is not inspect.Parameter.empty else p.name
        for p in inspect.signature(fn).parameters.values()
    ]
    assert params == expected
    body = functions_module().split(line)[1].split("End Function")[0]
    assert f'PlanbookCall("{name}", Array(' in body
    assert ("WorkbookPin(version)" in body) == ("version" in inspect.signature(fn).parameters)


def test_tables_are_dynamic_arrays_not_legacy_expansion():
    for name in addin.functions.__all__:
        options = getattr(addin.functions, name).__xlfunc__["ret"]["options"]
        assert "expand" not in options, name


def test_error_texts_become_excel_error_values_in_vba():
    vba = functions_module()
    for text, number in CV_ERRORS.items():
        assert f'Case "{text}": ErrorValue = CVErr({number})' in vba
    assert {"#N/A", "#REF!", "#VALUE!"} <= set(CV_ERRORS) and set(CV_ERRORS) <= ERROR_VALUES
    assert "PlanbookCall = CVErr(2015)" in vba  # Python unreachable: #VALUE!, not text
    assert "= Err.Description" not in vba


def test_ribbon_buttons_call_existing_python_buttons():
    ribbon = ElementTree.fromstring(RIBBON)
    actions = {b.get("onAction") for b in ribbon.iter(f"{NS}button")}
    callbacks = FILES["PlanbookRibbon.bas"]()
    for action in [*actions, ribbon.get("onLoad")]:
        assert re.search(rf"Public Sub {action}\(", callbacks), action
    for _, label, python, _, _ in BUTTONS:
        assert callable(getattr(addin.buttons, python)) and label
        assert f"addin.buttons.{python}()" in callbacks
    assert {"PlanbookPushBudget", "PlanbookPullPlan", "PlanbookDiffVersions"} <= actions


def test_with_ribbon_puts_planbook_ribbon_into_xlwings_addin_template(tmp_path):
    import xlwings

    template = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    out = with_ribbon(template, tmp_path / "planbook.xlam")
    with zipfile.ZipFile(out) as z, zipfile.ZipFile(template) as t:
        assert z.read("customUI/customUI.xml").decode() == RIBBON
        assert z.read("xl/vbaProject.bin") == t.read("xl/vbaProject.bin")


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (("software-tools", "sales-na", "2026-03", "base", "#N/A"), "NotAvailable"),
        (("software-tools", "#REF!", "2026-03"), "Ref"),
        (("#DIV/0!", "sales-na", "2026-03"), "Value"),
        (("software-tools", "sales-na", "#N/A"), "NotAvailable"),
    ],
)
def test_an_error_valued_argument_is_refused_not_taken_as_blank(session, args, kind):
    assert call("pb_get", *args) == [[error(kind)]]
    assert "is the error value" in session.errors[0].message


def test_an_error_valued_version_refuses_a_table_too(session):
    out = call("pb_table", "team", "month", "software-tools", None, "base", None, "#N/A")
    assert out[0][0] == error("NotAvailable") and "version" in out[0][1]
