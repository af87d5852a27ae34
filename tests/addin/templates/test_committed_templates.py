"""The blank templates in workbook_templates/ are what the generator makes now."""

from pathlib import Path

import openpyxl
import pytest

from addin.templates.files import blank_templates
from planbook.demo import build_demo
from tests.addin.structure import structure

FOLDER = Path(__file__).parents[3] / "workbook_templates"
FRESH = blank_templates(build_demo().plan)


def test_every_template_is_committed_and_nothing_else():
    assert sorted(p.name for p in FOLDER.glob("*.xlsx")) == sorted(FRESH)


@pytest.mark.parametrize("name", sorted(FRESH))
def test_committed_template_matches_generator(name, tmp_path):
    fresh_path = tmp_path / name
    FRESH[name].save(fresh_path)
    committed = structure(openpyxl.load_workbook(FOLDER / name))
    fresh = structure(openpyxl.load_workbook(fresh_path))
    assert committed == fresh, f"{name} is stale; run scripts/make-templates"
