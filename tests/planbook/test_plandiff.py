from decimal import Decimal

from planbook.model import Goal, Team
from planbook.plandiff import DefinitionChange, FieldChange, diff_plans, union_plan


def test_a_plan_against_itself_has_no_changes(demo):
    assert diff_plans(demo.plan, demo.plan) == []


def test_definition_changes_checked_by_hand(demo):
    a = demo.plan
    assumption = a.assumptions[0]
    month = sorted(assumption.values)[0]
    new_values = {**assumption.values, month: assumption.values[month] + Decimal("0.01")}
    envelope = a.envelopes[0]
    goal = Goal(
        id="new-goal", description="Win", metric="arr", target=Decimal(5), due=month, owner="CEO"
    )
    b = a.model_copy(
        update={
            "name": "Renamed",
            "assumptions": (
                assumption.model_copy(update={"values": new_values}),
                *a.assumptions[1:],
            ),
            "envelopes": tuple(e for e in a.envelopes if e != envelope),
            "goals": (*a.goals, goal),
            "teams": tuple(
                t.model_copy(update={"lead": "Ada"}) if t.id == "finance" else t for t in a.teams
            ),
        }
    )
    changes = {(c.kind, c.id): c for c in diff_plans(a, b)}
    assert changes[("plan", a.id)].fields == (FieldChange("name", a.name, "Renamed"),)
    values = changes[("assumption", assumption.id)]
    assert values.change == "changed" and len(values.fields) == 1
    assert values.fields[0].field == f"values[{month}]"
    assert Decimal(values.fields[0].new) - Decimal(values.fields[0].old) == Decimal("0.01")
    assert changes[("envelope", f"{envelope.team}/{envelope.scenario}")].change == "removed"
    assert changes[("goal", "new-goal")].change == "added"
    lead = changes[("team", "finance")]
    assert lead == DefinitionChange(
        "team", "finance", "changed", (FieldChange("lead", a.team("finance").lead, "Ada"),)
    )
    assert len(changes) == 5


def test_union_plan_keeps_removed_teams(demo):
    a = demo.plan
    b = a.model_copy(update={"teams": tuple(t for t in a.teams if t.id != "finance")})
    both = union_plan(a, b)
    assert both.team("finance") == a.team("finance") and len(both.teams) == len(a.teams)
    assert isinstance(both.teams[0], Team)
