"""The pager under a paged table (one macro, ``templates/pager.html``): the diff's links keep
the page's other parameters; the timeline's go newer and older."""

from __future__ import annotations

import re
from contextlib import closing
from types import SimpleNamespace

from server.console.pages import templates
from tests.server.console.conftest import Console
from tests.server.console.test_forms import _signed_in


def _links(html: str) -> list[tuple[str, str]]:
    pager = re.search(r'<p class="pager">.*?</p>', html, re.S)
    assert pager, "no pager"
    return re.findall(r'<a href="([^"]+)">(\w+)</a>', pager[0])


def test_the_diff_pager_keeps_the_drill_down(console: Console) -> None:
    client, _ = _signed_in(console, "viewer")
    with closing(client):
        url = "/console/plans/cirrus/diff?from=1&to=board-approved"
        first = client.get(url)
        second = client.get(url + "&page=2")
    assert first.status_code == 200 and second.status_code == 200
    assert "Page 1 of " in first.text
    assert _links(first.text) == [
        ("?from=1&amp;to=board-approved&amp;scenario=base&amp;page=2", "next")
    ]
    assert _links(second.text)[0] == (
        "?from=1&amp;to=board-approved&amp;scenario=base&amp;page=1",
        "previous",
    )


def test_the_timeline_pager_goes_newer_and_older() -> None:
    # a macro: an attribute of the template's module that jinja2's types cannot declare
    pager = vars(templates.env.get_template("pager.html").module)["pager"]
    html = str(pager(SimpleNamespace(page=2, pages=3), back="newer", forward="older"))
    assert _links(html) == [("?page=1", "newer"), ("?page=3", "older")]
    assert str(pager(SimpleNamespace(page=1, pages=1))).strip() == ""
