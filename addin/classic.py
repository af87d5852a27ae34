"""Classic Excel on Windows: the VBA and ribbon of the Planbook add-in (``planbook.xlam``),
generated from the worksheet functions and buttons so that they cannot drift apart.

xlwings' own *Import Functions* writes VBA wrappers that show a Python failure as text and
pass a Python string ``"#REF!"`` on as text (which ``SUM`` skips), and it reads an
error-valued argument (``#N/A`` in the version cell) as a blank. Planbook's wrappers
(:func:`functions_module`) call the same Python functions through xlwings' COM server
(``XLPy.CallUDF``, as xlwings' wrappers do) and instead:

- refuse an error-valued argument: the function answers that same error value without
  calling Python (Excel's own rule);
- read the workbook's own pin (``PLANBOOK_VERSION`` in its ``xlwings.conf`` sheet) when the
  ``version`` argument is blank;
- turn the error texts the functions return (:data:`~addin.functions.convert.ERROR_VALUES`)
  into real error values (``CVErr``) in a cell and in every cell of a table; the message is
  in ``PB_ERRORS()`` (and beside a table's error);
- answer ``#VALUE!`` when Python cannot be reached (the reason goes to the VBA Immediate
  window);
- return tables as arrays, which Excel 365 spills as dynamic arrays (no ``expand``).

:func:`ribbon_module` holds the ribbon's callbacks (the three buttons through ``RunPython``,
and Refresh) and :data:`RIBBON` its XML. ``python -m addin.classic OUT_DIR`` writes the three
files; ``excel/classic/`` holds them as committed, and ``excel/classic/build_xlam.py`` builds
the add-in from them on Windows (see docs/excel-classic.md).
"""

from __future__ import annotations

import inspect
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import addin.functions
from addin.settings import KEYS, SETTINGS_SHEET
from planbook.errors import PlanbookError

__all__ = [
    "FILES",
    "RIBBON",
    "functions_module",
    "ribbon_module",
    "with_ribbon",
    "write_files",
]

CV_ERRORS = {
    "#NULL!": 2000,
    "#DIV/0!": 2007,
    "#VALUE!": 2015,
    "#REF!": 2023,
    "#NAME?": 2029,
    "#NUM!": 2036,
    "#N/A": 2042,
}
"""Excel's error values and their ``CVErr`` numbers (XlCVError); any other error text is
returned as ``#VALUE!``."""
BUTTONS = (
    (
        "PushBudget",
        "Push budget",
        "push_budget_classic",
        "Upload",
        "Check this workbook and "
        "push its budget to Planbook; problems are listed by cell and nothing is stored.",
    ),
    (
        "PullPlan",
        "Pull plan",
        "pull_plan_classic",
        "Download",
        "Refresh this workbook's "
        "assumptions, envelope and goals (or its Facts sheet) from the pinned version.",
    ),
    (
        "DiffVersions",
        "Diff versions",
        "diff_versions_classic",
        "TableCompare",
        "Write what "
        "changed between two versions (PLANBOOK_DIFF_FROM, PLANBOOK_DIFF_TO) to a Diff sheet.",
    ),
)
"""(VBA name, label, Python function in addin.buttons, Office icon, screen tip) per button."""

_HELPERS = f"""
Private Function PlanbookCall(ByVal name As String, args As Variant) As Variant
    ' Call addin.functions.<name> in xlwings' COM server; error texts become error values.
    Dim i As Long, found As Variant
    For i = LBound(args) To UBound(args)
        If ErrorIn(args(i), found) Then
            PlanbookCall = found
            Exit Function
        End If
    Next i
    On Error GoTo failed
    PlanbookCall = ErrorValues(XLPy.CallUDF("addin.functions", name, args, _
        ActiveWorkbook, Application.Caller))
    Exit Function
failed:
    Debug.Print "Planbook " & name & ": " & Err.Description
    PlanbookCall = CVErr(2015)
End Function

Private Function ErrorIn(ByVal v As Variant, ByRef found As Variant) As Boolean
    ' True (and the error in found) when an argument is or holds an error value.
    Dim item As Variant
    If IsMissing(v) Then Exit Function
    If TypeName(v) = "Range" Then v = v.Value
    If IsArray(v) Then
        For Each item In v
            If IsError(item) Then
                found = item
                ErrorIn = True
                Exit Function
            End If
        Next item
    ElseIf IsError(v) Then
        found = v
        ErrorIn = True
    End If
End Function

Private Function ErrorValues(ByVal r As Variant) As Variant
    ' The functions' error texts (#N/A, #REF!, #VALUE!) as real error values.
    Dim i As Long, j As Long
    If Not IsArray(r) Then
        ErrorValues = ErrorValue(r)
        Exit Function
    End If
    If TwoDimensional(r) Then
        For i = LBound(r, 1) To UBound(r, 1)
            For j = LBound(r, 2) To UBound(r, 2)
                r(i, j) = ErrorValue(r(i, j))
            Next j
        Next i
    Else
        For i = LBound(r) To UBound(r)
            r(i) = ErrorValue(r(i))
        Next i
    End If
    ErrorValues = r
End Function

Private Function TwoDimensional(r As Variant) As Boolean
    Dim n As Long
    On Error GoTo one
    n = LBound(r, 2)
    TwoDimensional = True
one:
End Function

Private Function ErrorValue(ByVal v As Variant) As Variant
    ErrorValue = v
    If VarType(v) <> vbString Then Exit Function
    If Left$(v, 1) <> "#" Then Exit Function
    Select Case v
{{cases}}
    End Select
End Function

Private Function WorkbookPin(ByVal version As Variant) As Variant
    ' A blank version argument reads the workbook's own pin ({KEYS["version"]} in its
    ' {SETTINGS_SHEET} sheet); without one, Python's settings decide.
    Dim book As Object, found As Variant
    WorkbookPin = version
    If TypeName(version) = "Range" Then
        If Not IsEmpty(version.Cells(1, 1).Value) Then Exit Function
    ElseIf Not IsMissing(version) Then
        If Not IsEmpty(version) Then Exit Function
    End If
    On Error GoTo none
    Set book = Application.Caller.Parent.Parent
    found = Application.VLookup("{KEYS["version"]}", _
        book.Worksheets("{SETTINGS_SHEET}").Range("A:B"), 2, False)
    If Not IsError(found) Then
        If Len(Trim$(CStr(found))) > 0 Then WorkbookPin = CStr(found)
    End If
none:
End Function
"""


def _signature(fn: Callable[..., Any]) -> tuple[list[str], list[str]]:
    parameters = list(inspect.signature(fn).parameters.values())
    required = [p.name for p in parameters if p.default is inspect.Parameter.empty]
    optional = [p.name for p in parameters if p.default is not inspect.Parameter.empty]
    return required, optional


def _wrapper(name: str, fn: Callable[..., Any]) -> str:
    required, optional = _signature(fn)
    params = [*required, *(f"Optional {p} As Variant" for p in optional)]
    args = [f"WorkbookPin({p})" if p == "version" else p for p in [*required, *optional]]
    head = f"Function {name.upper()}({', '.join(params)})"
    doc = " ".join((fn.__doc__ or "").split())
    return "\n".join(
        [
            f"' {doc}",
            head,
            f'    {name.upper()} = PlanbookCall("{name}", Array({", ".join(args)}))',
            "End Function",
        ]
    )


def _register(names: list[str]) -> str:
    lines = ["Public Sub RegisterPlanbookFunctions()", "    On Error Resume Next"]
    for name in names:
        doc = " ".join((getattr(addin.functions, name).__doc__ or "").split())
        doc = doc[:250].replace('"', '""')
        lines.append(
            f'    Application.MacroOptions Macro:="{name.upper()}", '
            f'Description:="{doc}", Category:="Planbook"'
        )
    return "\n".join([*lines, "End Sub"])


def functions_module() -> str:
    """The VBA module ``PlanbookFunctions``: one wrapper per worksheet function."""
    names = list(addin.functions.__all__)
    cases = "\n".join(
        f'        Case "{text}": ErrorValue = CVErr({number})' for text, number in CV_ERRORS.items()
    )
    other = '        Case "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", '
    other += '"#UNKNOWN!", "#GETTING_DATA": ErrorValue = CVErr(2015)'
    parts = [
        'Attribute VB_Name = "PlanbookFunctions"',
        "' Generated by `python -m addin.classic` from addin/functions: do not edit.",
        "Option Explicit",
        "",
        *(_wrapper(n, getattr(addin.functions, n)) + "\n" for n in names),
        _register(names),
        _HELPERS.replace("{cases}", cases + "\n" + other),
    ]
    return "\n".join(parts)


def ribbon_module() -> str:
    """The VBA module ``PlanbookRibbon``: the ribbon's callbacks."""
    lines = [
        'Attribute VB_Name = "PlanbookRibbon"',
        "' Generated by `python -m addin.classic` from addin/buttons: do not edit.",
        "Option Explicit",
        "",
        "Public Sub PlanbookRibbonLoaded(ribbon As IRibbonUI)",
        "    RegisterPlanbookFunctions",
        "End Sub",
        "",
    ]
    for vba, _, python, _, _ in BUTTONS:
        lines += [
            f"Public Sub Planbook{vba}(control As IRibbonControl)",
            f'    RunPython "import addin.buttons; addin.buttons.{python}()"',
            "End Sub",
            "",
        ]
    lines += [
        "Public Sub PlanbookRefresh(control As IRibbonControl)",
        "    ' Resolve tags and latest again in the functions' process, then recalculate.",
        '    XLPy.Exec "import addin.session; addin.session.current().refresh()"',
        "    Application.CalculateFull",
        "End Sub",
    ]
    return "\n".join(lines) + "\n"


def _button(vba: str, label: str, icon: str, tip: str) -> str:
    return (
        f'          <button id="planbook{vba}" label="{label}" size="large" '
        f'imageMso="{icon}"\n'
        f'                  screentip="{label}" supertip="{tip}" '
        f'onAction="Planbook{vba}"/>'
    )


RIBBON = "\n".join(
    [
        '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui" '
        'onLoad="PlanbookRibbonLoaded">',
        "  <ribbon>",
        "    <tabs>",
        '      <tab id="planbookTab" label="Planbook">',
        '        <group id="planbookBudget" label="Budget">',
        *(_button(v, label, icon, tip) for v, label, _, icon, tip in BUTTONS),
        "        </group>",
        '        <group id="planbookNumbers" label="Numbers">',
        _button(
            "Refresh",
            "Refresh",
            "Refresh",
            "Ask Planbook again what the pinned tag or latest names, and recalculate.",
        ),
        "        </group>",
        "      </tab>",
        "    </tabs>",
        "  </ribbon>",
        "</customUI>",
        "",
    ]
)
"""The ribbon (``customUI/customUI.xml``, the part xlwings' add-in template names): a Planbook
tab with the buttons."""

FILES: dict[str, Callable[[], str]] = {
    "PlanbookFunctions.bas": functions_module,
    "PlanbookRibbon.bas": ribbon_module,
    "customUI.xml": lambda: RIBBON,
}
"""The add-in's sources by file name."""
RIBBON_PART = "customUI/customUI.xml"


def with_ribbon(xlam: Path, out: Path) -> Path:
    """A copy of the add-in ``xlam`` (``xlwings quickstart NAME --addin --ribbon`` writes one)
    with Planbook's ribbon in place of the template's; the VBA is unchanged (Excel alone
    writes ``vbaProject.bin``: the build script imports the modules on Windows)."""
    with zipfile.ZipFile(xlam) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        if RIBBON_PART not in names:
            raise PlanbookError(f"{xlam}: no {RIBBON_PART}; make it with --addin --ribbon")
        for item in source.infolist():
            data = RIBBON.encode() if item.filename == RIBBON_PART else source.read(item)
            target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return out


def write_files(folder: Path) -> list[Path]:
    """Write the add-in's VBA modules and ribbon XML into ``folder`` (CRLF and Windows-1252,
    as the VBA editor imports them)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in FILES.items():
        path = folder / name
        path.write_bytes(make().replace("\n", "\r\n").encode("cp1252"))
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    for path in write_files(Path(sys.argv[1] if len(sys.argv) > 1 else "excel/classic")):
        print(f"wrote {path}")
