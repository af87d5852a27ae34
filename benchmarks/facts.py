"""The company-scale plan: generating it, and writing and reading it as Parquet and CSV."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from benchmarks.runner import Case
from planbook.demo import build_demo
from planbook.factfiles import read_facts, write_facts
from planbook.facts import facts_to_arrow
from planbook.validation import validate_facts


def _random_frame(rows: int, teams: int, accounts: int, months: int) -> pd.DataFrame:
    """The floor for generation: random keys and amounts, no business logic."""
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "scenario": pd.Categorical.from_codes(
                rng.integers(0, 4, rows), categories=pd.Index(["a", "b", "c", "d"])
            ),
            "team": pd.Categorical.from_codes(
                rng.integers(0, teams, rows), categories=pd.Index([f"t{i}" for i in range(teams)])
            ),
            "account": pd.Categorical.from_codes(
                rng.integers(0, accounts, rows),
                categories=pd.Index([f"a{i}" for i in range(accounts)]),
            ),
            "line": pd.Categorical.from_codes(
                np.zeros(rows, dtype=np.int8), categories=pd.Index([""])
            ),
            "period": pd.Categorical.from_codes(
                rng.integers(0, months, rows), categories=pd.Index([f"m{i}" for i in range(months)])
            ),
            "amount": rng.integers(0, 10_000_000, rows),
        }
    )


def cases(*, teams: int = 300, accounts: int = 200, months: int = 36) -> Iterator[Case]:
    """Generation, validation and Parquet/CSV round trips of the company-scale plan."""
    demo = build_demo(teams=teams, accounts=accounts, months=months)
    facts, rows = demo.facts, len(demo.facts)
    folder = Path(tempfile.mkdtemp(prefix="planbook-bench-"))
    parquet, csv = folder / "facts.parquet", folder / "facts.csv"
    raw_parquet, raw_csv = folder / "raw.parquet", folder / "raw.csv"
    table = facts_to_arrow(facts)
    write_facts(facts, parquet)
    write_facts(facts, csv)
    pq.write_table(table, raw_parquet, compression="zstd")
    pacsv.write_csv(
        table.cast(
            pa.schema(
                [
                    pa.field(f.name, pa.string() if i < 5 else f.type)
                    for i, f in enumerate(table.schema)
                ]
            )
        ),
        raw_csv,
    )
    size = f"{teams} teams x {accounts} accounts x {months} months"
    yield Case(
        "facts",
        f"generate demo plan ({size})",
        rows,
        lambda: build_demo(teams=teams, accounts=accounts, months=months),
        "random frame, same size",
        lambda: _random_frame(rows, teams, accounts, months),
        goal="seconds, not minutes",
    )
    yield Case(
        "facts",
        "validate facts against the plan",
        rows,
        lambda: validate_facts(demo.plan, facts),
        "hash key columns",
        lambda: pd.util.hash_pandas_object(
            facts[["scenario", "team", "account", "period"]], index=False
        ),
    )
    yield Case(
        "facts",
        "write_facts Parquet",
        rows,
        lambda: write_facts(facts, parquet),
        "pyarrow write_table",
        lambda: pq.write_table(table, raw_parquet, compression="zstd"),
    )
    yield Case(
        "facts",
        "read_facts Parquet",
        rows,
        lambda: read_facts(parquet),
        "pandas read_parquet (arrow)",
        lambda: pd.read_parquet(raw_parquet, dtype_backend="pyarrow"),
    )
    yield Case(
        "facts",
        "write_facts CSV",
        rows,
        lambda: write_facts(facts, csv),
        "pyarrow write_csv",
        lambda: pacsv.write_csv(table, raw_csv),
    )
    yield Case(
        "facts",
        "read_facts CSV (exact decimals)",
        rows,
        lambda: read_facts(csv),
        "pyarrow read_csv",
        lambda: pacsv.read_csv(raw_csv),
    )


def rollup_cases(*, teams: int = 300, accounts: int = 200, months: int = 36) -> Iterator[Case]:
    """Consolidation and diff of the company-scale plan against plain pandas."""
    import decimal

    from planbook.consolidate import consolidate
    from planbook.diff import diff_facts

    demo = build_demo(teams=teams, accounts=accounts, months=months)
    facts, rows = demo.facts, len(demo.facts)
    department = {t.id: t.department for t in demo.plan.teams}
    labels = demo.plan.calendar.labels("quarter")
    plain = facts.assign(
        department=facts["team"].map(department).astype("category"),
        quarter=facts["period"].map(labels).astype("category"),
    )
    costs = [a.id for a in demo.plan.accounts if a.type.is_cost]
    yield Case(
        "roll-ups",
        "consolidate department x account x quarter",
        rows,
        lambda: consolidate(
            demo.plan,
            facts,
            by=["department", "account"],
            period="quarter",
            filters={"account": costs},
        ),
        "pandas groupby, categorical keys",
        lambda: (
            plain[plain["account"].isin(costs)]
            .groupby(["department", "account", "quarter"], observed=True)["amount"]
            .sum()
        ),
    )
    rng = np.random.default_rng(1)
    changed = facts.copy()
    index = rng.choice(rows, rows // 100, replace=False)
    changed.loc[index, "amount"] = pd.Series(
        [decimal.Decimal(1)] * len(index), index=index, dtype=facts["amount"].dtype
    )
    changed = changed.drop(rng.choice(rows, rows // 1000, replace=False))
    keys = ["scenario", "team", "account", "line", "period"]
    yield Case(
        "roll-ups",
        "diff two versions (1% changed, 0.1% removed)",
        rows,
        lambda: diff_facts(facts, changed),
        "pandas merge(outer, indicator)",
        lambda: facts.merge(changed, on=keys, how="outer", indicator=True),
    )
