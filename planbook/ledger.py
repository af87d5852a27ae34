"""General-ledger exports and the mapping that turns them into plan accounts and teams.

A GL export is a table with one row per posting: a date (``YYYY-MM-DD``) or a period
(``YYYY-MM``), a GL account code, a cost centre (or department), an amount and a memo. The
mapping file (YAML, documented in ``docs/actuals.md``) names the export's columns and maps
GL codes to plan accounts and cost centres to teams::

    scenario: actuals
    columns: {date: Posting Date, account: GL Account, cost_centre: Cost Center,
              amount: Amount, memo: Memo}
    accounts:
      "4000": {account: rev-subscription, sign: -1}   # credits are negative in the GL
      "6100": salaries
    cost_centres:
      "110": sales-na
    suspense: {account: suspense, team: finance}

This module reads both (CSV here; an XLSX export's rows come from the CLI, which may use
python-calamine) into :class:`LedgerRow` records, naming file, row and column for every
problem. :mod:`planbook.actuals` maps the rows into facts.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from planbook.calendar import is_period
from planbook.errors import PlanFileError, PlanValidationError, Problem

__all__ = [
    "LedgerColumns",
    "LedgerMapping",
    "LedgerRow",
    "MappedAccount",
    "Suspense",
    "file_sha256",
    "load_mapping",
    "mapping_from_yaml",
    "read_ledger_csv",
    "rows_from_cells",
]

MAX_PROBLEMS = 200


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class LedgerColumns(_Model):
    """The export's column headers. Give ``date`` or ``period`` (at least one)."""

    date: str | None = "Date"
    period: str | None = None
    account: str = "Account"
    cost_centre: str = "Cost Centre"
    amount: str = "Amount"
    memo: str | None = "Memo"


class MappedAccount(_Model):
    """Where one GL code goes: a plan account, a sign (-1 turns GL credits into positive
    revenue) and an optional line label inside the account."""

    account: str = Field(min_length=1)
    sign: Literal[1, -1] = 1
    line: str = ""


class Suspense(_Model):
    """Where ``--allow-unmapped`` books rows whose codes are not mapped."""

    account: str = "suspense"
    team: str = Field(min_length=1)
    name: str = "Suspense (unmapped GL postings)"


class LedgerMapping(_Model):
    """A GL mapping file: columns, GL codes -> accounts, cost centres -> teams."""

    scenario: str = "actuals"
    columns: LedgerColumns = LedgerColumns()
    accounts: dict[str, MappedAccount] = Field(default_factory=dict)
    cost_centres: dict[str, str] = Field(default_factory=dict)
    suspense: Suspense | None = None

    @field_validator("accounts", mode="before")
    @classmethod
    def _short_accounts(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        return {code_text(k): {"account": v} if isinstance(v, str) else v for k, v in value.items()}

    @field_validator("cost_centres", mode="before")
    @classmethod
    def _codes_as_text(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        return {code_text(k): v for k, v in value.items()}


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One posting: ``row`` is its row in the file (the header is row 1)."""

    row: int
    period: str
    account: str
    cost_centre: str
    amount: Decimal
    memo: str


def code_text(value: object) -> str:
    """A GL code or cost centre as text: ``4000``, ``4000.0`` and ``"4000"`` are ``"4000"``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes (named in the version message of an import)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def mapping_from_yaml(text: str, *, source: str = "mapping file") -> LedgerMapping:
    """Parse a GL mapping; every problem names its field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PlanFileError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(data, Mapping):
        raise PlanFileError(f"{source}: expected a mapping with columns, accounts, cost_centres")
    try:
        mapping = LedgerMapping.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(
                (source, *error["loc"]),
                "is not a field of a mapping; check the spelling"
                if error["type"] == "extra_forbidden"
                else str(error["msg"]).removeprefix("Value error, "),
            )
            for error in exc.errors(include_url=False)
        ]
        raise PlanValidationError(problems, subject="mapping") from None
    if not mapping.columns.date and not mapping.columns.period:
        raise PlanValidationError(
            [Problem((source, "columns"), "name the date or the period column")],
            subject="mapping",
        )
    return mapping


def load_mapping(path: str | Path) -> LedgerMapping:
    """Read a GL mapping file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanFileError(f"{path}: no such mapping file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(f"{path}: cannot read the mapping file ({exc})") from None
    return mapping_from_yaml(text, source=path.name)


def read_ledger_csv(path: Path, columns: LedgerColumns) -> list[LedgerRow]:
    """The postings of a CSV export (UTF-8, a header row)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            cells = list(csv.reader(f))
    except FileNotFoundError:
        raise PlanFileError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise PlanFileError(f"{path}: not a UTF-8 text CSV file") from None
    except csv.Error as exc:
        raise PlanFileError(f"{path}: not a readable CSV file ({exc})") from None
    return rows_from_cells(path.name, cells, columns)


def rows_from_cells(
    source: str, cells: Sequence[Sequence[object]], columns: LedgerColumns
) -> list[LedgerRow]:
    """Postings from a grid of cells whose first row is the header. Every bad cell is
    reported as ``(source, "row N", column)``; nothing is returned then."""
    if not cells:
        raise PlanFileError(f"{source}: the export is empty; expected a header row")
    header = [str(c).strip() for c in cells[0]]
    _check_columns(source, header, columns)
    out: list[LedgerRow] = []
    problems: list[Problem] = []
    for number, values in enumerate(cells[1:], start=2):
        if all(str(v).strip() == "" for v in values):
            continue
        cell = dict(zip(header, values, strict=False))
        found = _parse_row(source, number, cell, columns, problems)
        if found is not None:
            out.append(found)
    if problems:
        if len(problems) > MAX_PROBLEMS:
            extra = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], Problem((source,), f"... and {extra} more")]
        raise PlanValidationError(problems, subject=f"ledger export {source}")
    return out


def _check_columns(source: str, header: list[str], columns: LedgerColumns) -> None:
    wanted = [
        c
        for c in (columns.account, columns.cost_centre, columns.amount)
        + ((columns.period,) if columns.period else (columns.date,))
        if c
    ]
    missing = [c for c in wanted if c not in header]
    if missing:
        raise PlanValidationError(
            [
                Problem(
                    (source, "row 1"),
                    f"no column {c!r}; the header has {', '.join(map(repr, header))}. "
                    "Name the export's columns under columns: in the mapping file",
                )
                for c in missing
            ],
            subject=f"ledger export {source}",
        )


def _parse_row(
    source: str,
    number: int,
    cell: Mapping[str, object],
    columns: LedgerColumns,
    problems: list[Problem],
) -> LedgerRow | None:
    row = f"row {number}"
    before = len(problems)
    period = _period(cell, columns)
    if period is None:
        name = columns.period or columns.date or ""
        value = cell.get(name, "")
        problems.append(
            Problem(
                (source, row, name),
                f"{value!r} is not a "
                + ("month written YYYY-MM" if columns.period else "date written YYYY-MM-DD"),
            )
        )
    account = code_text(cell.get(columns.account, ""))
    centre = code_text(cell.get(columns.cost_centre, ""))
    for name, value in ((columns.account, account), (columns.cost_centre, centre)):
        if not value:
            problems.append(Problem((source, row, name), "is empty; every posting needs one"))
    amount = _amount(cell.get(columns.amount, ""))
    if isinstance(amount, str):
        problems.append(Problem((source, row, columns.amount), amount))
    if len(problems) > before or period is None or isinstance(amount, str):
        return None
    memo = str(cell.get(columns.memo, "")) if columns.memo else ""
    return LedgerRow(number, period, account, centre, amount, memo.strip())


def _period(cell: Mapping[str, object], columns: LedgerColumns) -> str | None:
    if columns.period:
        value = cell.get(columns.period, "")
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m")
        text = str(value).strip()
        return text if is_period(text) else None
    value = cell.get(columns.date or "", "")
    if isinstance(value, dt.date):  # datetime is a date too (an XLSX cell)
        return value.strftime("%Y-%m")
    try:
        return dt.date.fromisoformat(str(value).strip()[:10]).strftime("%Y-%m")
    except ValueError:
        return None


def _amount(value: object) -> Decimal | str:
    """The exact amount of a cell, or the reason it is not one."""
    if isinstance(value, bool):
        return f"{value!r} is not an amount; enter a number such as -1250.50"
    if isinstance(value, float):  # an XLSX number: exact to the cent it was typed with
        amount = Decimal(repr(value))
    else:
        try:
            amount = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            return f"{value!r} is not an amount; enter a number such as -1250.50"
    if not amount.is_finite():
        return f"{value!r} is not an amount; enter a number such as -1250.50"
    if amount != amount.quantize(Decimal("0.01")):
        return f"{value!r} has more than 2 decimal places; GL amounts are in cents"
    return amount.quantize(Decimal("0.01"))
