"""The service's request and response bodies (pydantic), with the examples OpenAPI shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from server.store import StatusChange, TagInfo, TokenInfo, VersionInfo, to_json

_FACTS_EXAMPLE = {
    "scenario": ["base", "base"],
    "team": ["sales-na", "sales-na"],
    "account": ["travel", "travel"],
    "line": ["", ""],
    "period": ["2026-02", "2026-03"],
    "amount": ["4200", "4350.5"],
}


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorItem(BaseModel):
    loc: list[str | int] = Field(examples=[["facts", "row 3", "team"]])
    msg: str = Field(examples=["unknown team 'sales-apac'; expected one of finance, sales-na"])


class ErrorOut(BaseModel):
    """Every error: a list of problems, each with where and what."""

    errors: list[ErrorItem]
    kind: str | None = Field(
        default=None,
        description="The store's error class (NotFound, StoreNotEmpty, ...), when it has one.",
        examples=["NotFound"],
    )


class ConflictItem(BaseModel):
    part: str = Field(examples=["team:sales-na"])
    version: int = Field(examples=[16])
    author: str = Field(examples=["grace"])
    at: datetime
    reason: Literal["changed", "locked"]


class ConflictOut(ErrorOut):
    """A 409: which parts changed since the base version, who changed them, when, where."""

    base: int | None = Field(examples=[14])
    head: int = Field(examples=[16])
    conflicts: list[ConflictItem]


class PushIn(_Body):
    """A push. ``facts`` are columnar (one list per column, amounts as exact decimal text);
    they replace the (team, scenario) slices they hold and leave every other slice as it
    was, unless ``replace_team`` is true. ``company`` is a plan definition."""

    base: int | None = Field(
        default=None,
        ge=0,
        strict=True,
        description="The version the changes are based on.",
        examples=[15],
    )
    message: str = Field(default="", max_length=2000, examples=["two more AEs from Q3"])
    company: dict[str, Any] | None = Field(default=None, description="A plan definition.")
    facts: dict[str, list[Any]] | None = Field(default=None, examples=[_FACTS_EXAMPLE])
    clear: list[str] = Field(
        default=[], description="Parts to empty: team:<id> or actuals.", examples=[[]]
    )
    positions: dict[str, list[Any]] | None = Field(
        default=None,
        description="Positions (scenario, team, position, role, level, start, annual_salary; "
        "columnar, values as text): each team present replaces its positions part.",
    )
    replace_team: bool = Field(
        default=False,
        strict=True,
        description="True: each team's facts replace that team's whole budget (or its "
        "whole actuals), removing the scenarios they leave out. False (the default): they "
        "replace only the (team, scenario) slices they hold.",
    )


class PartOut(BaseModel):
    part: str = Field(examples=["team:sales-na"])
    hash: str
    rows: int
    changed_in: int


class VersionOut(BaseModel):
    plan: str = Field(examples=["cirrus"])
    number: int = Field(examples=[16])
    parent: int | None = Field(examples=[15])
    author: str = Field(examples=["grace"])
    created_at: datetime
    message: str = Field(examples=["two more AEs from Q3"])
    hash: str
    changed: list[str] = Field(examples=[["team:sales-na"]])
    parts: list[PartOut] = []

    @classmethod
    def of(cls, v: VersionInfo) -> VersionOut:
        return cls.model_validate(to_json(v))


class PushOut(BaseModel):
    created: bool = Field(description="False when the push changed nothing.")
    version: VersionOut


class StatusIn(_Body):
    action: Literal["submit", "approve", "return", "reopen"]
    comment: str = Field(default="", max_length=2000, examples=["travel is over the envelope"])
    force: bool = Field(
        default=False,
        description="Approve although the alignment report has blocking findings for the "
        "team (recorded in the status change's comment).",
    )


class StatusOut(BaseModel):
    part: str
    status: str = Field(examples=["submitted"])
    comment: str
    actor: str
    at: datetime | None
    version: int | None

    @classmethod
    def of(cls, change: StatusChange | None, part: str = "") -> StatusOut:
        if change is None:
            return cls(part=part, status="draft", comment="", actor="", at=None, version=None)
        return cls.model_validate(to_json(change))


class TagIn(_Body):
    version: str = Field(description="Version number, tag or latest.", examples=["16"])


class TagOut(BaseModel):
    name: str = Field(examples=["board-approved"])
    version: int | None
    actor: str = ""
    at: datetime | None = None

    @classmethod
    def of(cls, tag: TagInfo) -> TagOut:
        return cls.model_validate(to_json(tag))


class TokenIn(_Body):
    name: str = Field(min_length=1, max_length=200, examples=["grace (sales-na lead)"])
    role: Literal["admin", "finance", "lead", "viewer"] = "viewer"
    teams: list[str] = Field(default=[], examples=[["sales-na"]])


class TokenOut(BaseModel):
    id: int
    name: str
    role: str
    teams: list[str]
    created_at: datetime
    revoked_at: datetime | None = None

    @classmethod
    def of(cls, t: TokenInfo) -> TokenOut:
        return cls.model_validate(to_json(t))


class TokenCreated(TokenOut):
    secret: str = Field(description="The token; shown this once, only its hash is stored.")


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"
    version: str = Field(examples=["0.1.0"])
    schema_current: bool


class VerifyOut(BaseModel):
    ok: bool
    problems: list[ErrorItem]


class ImportOut(BaseModel):
    blobs: int


class DiffVersionOut(BaseModel):
    number: int = Field(examples=[13])
    author: str
    created_at: datetime
    message: str
    hash: str


class DiffScopeOut(BaseModel):
    scenarios: list[str]
    teams: list[str]
    departments: list[str]
    accounts: list[str]
    periods: list[str]
    threshold: str = Field(examples=["0"])


class DiffSummaryOut(BaseModel):
    added: int
    removed: int
    changed: int
    unchanged: int = Field(description="Equal facts in the compared parts.")
    below_threshold: int = Field(description="Changed lines the threshold hid.")
    compared_parts: list[str] = Field(examples=[["team:sales-na"]])
    skipped_parts: list[str] = Field(description="Same content hash in both: not read.")
    skipped_rows: int


class DiffTotalOut(BaseModel):
    scenario: str
    unit: str = Field(examples=["currency"])
    old: str
    new: str
    delta: str


class BridgeStepOut(BaseModel):
    step: str = Field(examples=["sales"], description="start, a group that moved, or end")
    amount: str = Field(examples=["-12500"])


class BridgeOut(BaseModel):
    by: str = Field(examples=["department"])
    scenario: str = Field(examples=["base"])
    unit: str = Field(examples=["USD"])
    steps: list[BridgeStepOut]


class DiffLineOut(BaseModel):
    scenario: str
    team: str
    account: str
    line: str
    period: str
    change: Literal["added", "removed", "changed"]
    old: str | None
    new: str | None
    delta: str
    pct: float | None = Field(description="delta in % of |old|; null without an old amount")


class FieldChangeOut(BaseModel):
    field: str = Field(examples=["values[2026-03]"])
    old: str
    new: str


class DefinitionChangeOut(BaseModel):
    kind: str = Field(examples=["assumption"])
    id: str = Field(examples=["salary_inflation"])
    change: Literal["added", "removed", "changed"]
    fields: list[FieldChangeOut]


class DiffHistoryOut(BaseModel):
    plan: str
    number: int
    parent: int | None
    author: str
    created_at: datetime
    message: str
    hash: str
    changed: list[str] = Field(description="The parts in scope this version changed.")


class DiffOut(BaseModel):
    """The diff of two versions (``planbook diff --format json`` prints the same)."""

    plan: str = Field(examples=["cirrus"])
    from_: DiffVersionOut = Field(alias="from")
    to: DiffVersionOut
    scope: DiffScopeOut
    summary: DiffSummaryOut
    totals: list[DiffTotalOut]
    rollups: dict[str, list[dict[str, str | None]]] = Field(
        description="team, department, account, pnl_line, month, quarter: rows of the "
        "scenario, the group (or period) and delta"
    )
    bridge: BridgeOut | None
    lines: list[DiffLineOut]
    lines_total: int
    definitions: list[DefinitionChangeOut]
    history: list[DiffHistoryOut]
    statuses: list[StatusOut]
