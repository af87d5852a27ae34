from decimal import Decimal

import pytest

from planbook.errors import PlanFileError, PlanValidationError
from planbook.planfile import dump_plan, load_plan, plan_from_yaml, plan_to_yaml

MINIMAL = """
id: acme
name: Acme plan
start: 2026-02
departments: [{id: sales, name: Sales}]
teams: [{id: na, name: North America, department: sales, lead: Kim}]
accounts:
  - {id: travel, name: Travel, type: opex, pnl_line: T&E, pnl_sign: -1}
assumptions:
  - {id: tax, name: Payroll tax, unit: percent, value: 0.0765}
  - {id: raise, name: Raise, unit: percent, from: {2026-02: 0, 2026-04: 0.04}}
envelopes:
  - {team: na, from: {2026-02: 1000.50, 2026-08: 1200}}
"""


def test_demo_plan_round_trips_exactly(demo, tmp_path):
    path = dump_plan(demo.plan, tmp_path / "plan.yaml")
    again = load_plan(path)
    assert again == demo.plan
    assert plan_to_yaml(again) == path.read_text()


def test_compact_forms_expand_to_every_month():
    plan = plan_from_yaml(MINIMAL)
    assert plan.assumption("tax").values == dict.fromkeys(plan.calendar.periods, Decimal("0.0765"))
    raise_ = plan.assumption("raise").values
    assert raise_["2026-03"] == 0 and raise_["2026-04"] == Decimal("0.04")
    assert raise_["2027-01"] == Decimal("0.04")
    envelope = plan.envelopes[0].amounts
    assert envelope["2026-07"] == Decimal("1000.50") and envelope["2026-08"] == 1200


def test_numbers_are_exact_decimals_not_floats():
    plan = plan_from_yaml(MINIMAL)
    value = plan.assumption("tax").values["2026-02"]
    assert isinstance(value, Decimal) and str(value) == "0.0765"


def test_written_file_is_compact():
    text = plan_to_yaml(plan_from_yaml(MINIMAL))
    assert "value: 0.0765" in text
    assert "from:" in text and "2026-04: 0.04" in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        ("", "expected a mapping"),
    ],
)
def test_unreadable_plan_files(text, message):
    with pytest.raises(PlanFileError, match=message):
        plan_from_yaml(text)


def test_missing_file(tmp_path):
    with pytest.raises(PlanFileError, match="no such file"):
        load_plan(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("old", "new", "loc", "message"),
    [
        (
            "from: {2026-02: 0, 2026-04: 0.04}",
            "from: {2026-04: 0.04}",
            ("assumptions", 1, "from"),
            "first change must be the plan's first month",
        ),
        (
            "from: {2026-02: 0, 2026-04: 0.04}",
            "from: {2026-02: 0, 2029-04: 0.04}",
            ("assumptions", 1, "from", "2029-04"),
            "outside the plan's calendar",
        ),
        (
            "value: 0.0765",
            "value: 0.0765, values: {}",
            ("assumptions", 0),
            "either 'values' or 'value'",
        ),
        ("value: 0.0765", "foo: 1", ("assumptions", 0), "give the amounts as"),
    ],
)
def test_bad_compact_forms_name_their_place(old, new, loc, message):
    with pytest.raises(PlanValidationError) as info:
        plan_from_yaml(MINIMAL.replace(old, new))
    assert [p.loc for p in info.value.problems] == [loc]
    assert message in info.value.problems[0].msg


def test_type_errors_are_collected_with_locations():
    text = MINIMAL.replace("months: 12", "").replace("start: 2026-02", "start: 2026-02\nmonths: x")
    text = text.replace("type: opex", "type: expenses").replace("lead: Kim", "lead: Kim, age: 3")
    with pytest.raises(PlanValidationError) as info:
        plan_from_yaml(text)
    locs = {p.loc for p in info.value.problems}
    assert ("months",) in locs
    assert ("accounts", 0, "type") in locs
    assert ("teams", 0, "age") in locs
    messages = " ".join(p.msg for p in info.value.problems)
    assert "'expenses'" in messages and "not a field" in messages
    assert len(info.value.problems) == 3  # the bad calendar hides no other noise
