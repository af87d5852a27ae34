"""``planbook excel``: what an admin needs to put the Office.js add-in in front of users —
its manifest for the deployment's HTTPS address, and a development certificate."""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from addin.web.manifest import base_url, manifest_urls, manifest_xml
from planbook.cli.common import console, user_errors
from planbook.errors import PlanbookError

app = typer.Typer(
    name="excel",
    help="The Office.js add-in: its manifest, and a certificate for local development.",
    no_args_is_help=True,
)


@app.command()
@user_errors
def manifest(
    url: Annotated[
        str,
        typer.Option("--url", help="The service's public HTTPS address, e.g. https://plan.corp"),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the manifest here (default: print it)."),
    ] = None,
) -> None:
    """The add-in-only XML manifest for the service at ``--url``: sideload it in Excel or
    upload it in the Microsoft 365 admin center. Every URL it names is under ``URL/addin``
    and answers without a token."""
    xml = manifest_xml(base_url(url))
    if output is None:
        typer.echo(xml, nl=False)
        return
    output.write_text(xml, encoding="utf-8")
    console.print(f"Wrote {output}: the add-in loads {manifest_urls(url)['Taskpane.Url']}")


@app.command("dev-cert")
@user_errors
def dev_cert(
    folder: Annotated[
        Path, typer.Option("--folder", help="Where to write cert.pem and key.pem.")
    ] = Path("."),
    host: Annotated[
        list[str] | None,
        typer.Option("--host", help="A name or address the certificate covers (repeatable)."),
    ] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=825, help="Valid for.")] = 30,
) -> None:
    """A self-signed certificate for local development (``openssl``), for
    ``planbook serve --certfile cert.pem --keyfile key.pem``. Trust it on your computer
    before Excel will load the add-in (docs/excel-addin.md says how); never use it in
    production."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise PlanbookError(
            "dev-cert needs the openssl command; install it (apt-get install openssl, or Git "
            "for Windows ships one), or use Microsoft's `npx office-addin-dev-certs install`"
        )
    names = host or ["localhost", "127.0.0.1"]
    san = ",".join(f"IP:{n}" if _is_ip(n) else f"DNS:{n}" for n in names)
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    with tempfile.TemporaryDirectory() as tmp:
        command = [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256"]
        command += ["-days", str(days), "-subj", f"/CN={names[0]}", "-keyout", str(key)]
        command += ["-out", str(cert), "-addext", f"subjectAltName={san}"]
        command += ["-addext", "extendedKeyUsage=serverAuth"]
        done = subprocess.run(command, capture_output=True, text=True, cwd=tmp, check=False)
    if done.returncode != 0:
        raise PlanbookError(f"openssl could not make the certificate: {done.stderr.strip()}")
    key.chmod(0o600)
    console.print(f"Wrote {cert} and {key} for {', '.join(names)} (valid {days} days).")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
