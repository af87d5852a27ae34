"""Every CLI command and option is documented in docs/cli.md."""

import re
from pathlib import Path

import typer.core
import typer.main

from planbook.cli.main import app

DOCS = Path(__file__).parents[3] / "docs" / "cli.md"


def _commands():
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    yield from group.commands.items()


def _section(text: str, name: str) -> str:
    match = re.search(rf"^## `planbook {re.escape(name)}`$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/cli.md has no section '## `planbook {name}`'"
    return match.group(1)


def test_every_command_has_a_section_with_its_options():
    text = DOCS.read_text(encoding="utf-8")
    for name, command in _commands():
        section = _section(text, name)
        for param in command.params:
            if param.param_type_name == "option":
                longest = max(param.opts, key=len)
                if longest != "--help":
                    assert longest in section, f"{name}: option {longest} is not documented"
            else:
                assert param.name.upper() in section, f"{name}: argument {param.name} missing"


def test_every_command_has_help_text():
    for name, command in _commands():
        assert command.help and len(command.help) > 20, name
