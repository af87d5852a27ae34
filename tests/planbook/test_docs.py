"""docs/plan-model.md and docs/facts.md describe the model as it is."""

import re
from pathlib import Path

import pytest

from planbook.factfiles import read_facts
from planbook.facts import FACT_COLUMNS
from planbook.model import Account, Assumption, Department, Envelope, Goal, Plan, Scenario, Team
from planbook.planfile import plan_from_yaml
from planbook.validation import validate_facts

DOCS = Path(__file__).parents[2] / "docs"


def _blocks(name: str, language: str) -> list[str]:
    text = (DOCS / name).read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


@pytest.mark.parametrize(
    "model", [Plan, Account, Department, Team, Scenario, Assumption, Goal, Envelope]
)
def test_every_field_is_documented(model):
    text = (DOCS / "plan-model.md").read_text(encoding="utf-8")
    for field in model.model_fields:
        assert f"`{field}`" in text or f".{field}`" in text or f"{field}`," in text, (
            f"{model.__name__}.{field} is not in docs/plan-model.md"
        )


def test_plan_file_example_is_a_valid_plan():
    (example,) = _blocks("plan-model.md", "yaml")
    plan = plan_from_yaml(example)
    assert plan.id == "cirrus" and plan.envelopes[0].amounts["2026-07"] == 120000


def test_facts_example_reads_and_matches_the_columns(tmp_path, demo):
    (example,) = _blocks("facts.md", "csv")
    path = tmp_path / "example.csv"
    path.write_text(example)
    facts = read_facts(path)
    assert tuple(facts.columns) == FACT_COLUMNS
    assert validate_facts(demo.plan, facts) == []
    table = (DOCS / "facts.md").read_text(encoding="utf-8")
    for column in FACT_COLUMNS:
        assert f"| `{column}` |" in table
