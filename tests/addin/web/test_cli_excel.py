"""``planbook excel manifest`` and ``dev-cert``, and ``serve``'s TLS options."""

from __future__ import annotations

import ssl
import xml.etree.ElementTree as ET

from typer.testing import CliRunner

from planbook.cli.main import app

runner = CliRunner()


def test_manifest_is_printed_or_written_for_an_https_address(tmp_path):
    printed = runner.invoke(app, ["excel", "manifest", "--url", "https://plan.example.com/"])
    assert printed.exit_code == 0, printed.output
    root = ET.fromstring(printed.output)
    assert "https://plan.example.com/addin/taskpane.html" in printed.output
    assert root.find("{http://schemas.microsoft.com/office/appforoffice/1.1}Id") is not None
    out = tmp_path / "manifest.xml"
    written = runner.invoke(
        app, ["excel", "manifest", "--url", "https://p.example", "-o", str(out)]
    )
    assert written.exit_code == 0 and "https://p.example/addin/" in out.read_text()


def test_manifest_refuses_an_address_office_cannot_load():
    result = runner.invoke(app, ["excel", "manifest", "--url", "http://plan.example.com"])
    assert result.exit_code == 1
    assert "HTTPS" in result.output and "Traceback" not in result.output


def test_dev_cert_makes_a_certificate_and_key_that_load(tmp_path):
    result = runner.invoke(app, ["excel", "dev-cert", "--folder", str(tmp_path), "--days", "2"])
    assert result.exit_code == 0, result.output
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    assert (tmp_path / "key.pem").stat().st_mode & 0o077 == 0


def test_serve_needs_both_certificate_and_key(tmp_path):
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "s.db"), "--certfile", "c.pem"])
    assert result.exit_code == 2 and "--keyfile" in result.output
