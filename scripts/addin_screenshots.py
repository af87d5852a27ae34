"""Screenshots of the Office.js task pane for docs/excel-addin.md, from headless Chromium
against a live ``planbook serve`` over HTTPS (the Office host replaced by the tests' shim).

    .venv/bin/python scripts/addin_screenshots.py      # writes docs/images/addin-*.png
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from planbook.demo import build_demo  # noqa: E402
from server.store.store import Store  # noqa: E402
from tests.addin.functions_helpers import seeded_db  # noqa: E402
from tests.addin.web.live import HttpsServer  # noqa: E402
from tests.browser import chromium  # noqa: E402

SHIM = (ROOT / "tests" / "addin" / "web" / "office_shim.js").read_text(encoding="utf-8")
IMAGES = ROOT / "docs" / "images"


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="planbook-shots-"))
    db = seeded_db(folder / "store.db", build_demo())
    store = Store.open(db)
    token = store.create_token(name="Fiona (finance)", role="finance")[1]
    store.set_tag(plan_id="cirrus", name="board-approved", ref=2)
    store.close()
    server = HttpsServer(db, folder)
    try:
        with chromium() as browser:
            context = browser.new_context(
                ignore_https_errors=True, viewport={"width": 340, "height": 520}
            )
            setup = "\n__shim.book.settings.PLANBOOK_VERSION = 'board-approved';"
            context.route(
                "https://appsforoffice.microsoft.com/**",
                lambda r: r.fulfill(body=SHIM + setup, content_type="text/javascript"),
            )
            page = context.new_page()
            page.goto(f"{server.url}/addin/taskpane.html")
            page.evaluate("Planbook.ready")
            page.screenshot(path=str(IMAGES / "addin-sign-in.png"))
            page.fill("#token", token)
            page.click("#signin-form button[type=submit]")
            page.wait_for_selector("#signed:not([hidden])")
            page.click("#refresh")
            page.wait_for_selector("#messages.good")
            page.screenshot(path=str(IMAGES / "addin-signed-in.png"))
            page.evaluate(
                "() => __shim.sheet('Facts', [['scenario', 'team', 'account', 'line', "
                "'period', 'amount'], ['base', 'sales-na', 'travel', '', '2026-03', 100], "
                "['base', 'sales-na', 'travel', '', '2026-04', 'lots'], "
                "['base', 'sales-na', 'travle', '', '2026-05', 50]])"
            )
            page.click("#push")
            page.wait_for_selector("#messages.bad")
            page.screenshot(path=str(IMAGES / "addin-push-refused.png"))
    finally:
        server.stop()
    print("wrote docs/images/addin-sign-in.png, addin-signed-in.png, addin-push-refused.png")


if __name__ == "__main__":
    main()
