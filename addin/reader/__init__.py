"""Reading filled workbooks back into plan data, naming ``Sheet!Cell`` for every problem.

- :func:`read_team_workbook`: a team budget template -> facts + positions + metadata;
- :func:`read_company_workbook`: the company AOP workbook -> :class:`~planbook.model.Plan`.

Every file goes through :func:`check_workbook_file` first (hostile and broken files get a
clear :class:`WorkbookFileError`, quickly and in bounded memory). The ``*_sheets`` forms read
a workbook already open: :class:`BookSheets` wraps the book a button runs on.
"""

from addin.reader.book import BookSheets
from addin.reader.company import CompanyWorkbook, read_company_sheets, read_company_workbook
from addin.reader.safety import WorkbookFileError, check_workbook_file
from addin.reader.team import TeamWorkbook, read_team_sheets, read_team_workbook
from addin.reader.workbook import Sheets, sheets_kind, workbook_kind

__all__ = [
    "BookSheets",
    "CompanyWorkbook",
    "Sheets",
    "TeamWorkbook",
    "WorkbookFileError",
    "check_workbook_file",
    "read_company_sheets",
    "read_company_workbook",
    "read_team_sheets",
    "read_team_workbook",
    "sheets_kind",
    "workbook_kind",
]
