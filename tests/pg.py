"""PostgreSQL for the tests: the configured server, or a throwaway cluster of their own.

Tests that need PostgreSQL take the ``pg_url`` fixture (``tests/conftest.py``), which enters
:func:`postgres` once per session. It chooses, in this order:

1. ``PLANBOOK_TEST_PG``, when set: the URL of a server you run. It must answer; the tests
   fail if it does not (they never fall back silently from a server you named).
2. :data:`DEFAULT_URL` (``postgres@127.0.0.1:5432/test``, trust auth), when it answers.
3. Otherwise a throwaway cluster (:func:`throwaway_cluster`): ``initdb`` and ``pg_ctl`` from
   Debian's ``/usr/lib/postgresql/*/bin`` (``scripts/setup`` installs them), in a temporary
   folder, trust auth, listening on a free port of 127.0.0.1 only (its socket in that folder),
   with a ``test`` database; stopped and removed when the context exits. PostgreSQL refuses to
   run as root, so as root the cluster runs as the ``postgres`` user that Debian's package
   creates.

If none of these works, :class:`PostgresUnavailable` says why and what to install.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

ENV = "PLANBOOK_TEST_PG"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BINDIRS = "/usr/lib/postgresql/*/bin"
INSTALL = (
    "Install PostgreSQL with `bash scripts/setup` as root (or `apt-get install postgresql`), "
    f"or set {ENV} to the URL of a server you run (trust auth, database `test`)."
)
# A throwaway cluster keeps nothing: durability only costs time.
SETTINGS = ("fsync = off", "synchronous_commit = off", "full_page_writes = off")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL could be reached or started; the message says why and what to do."""


@dataclass(frozen=True)
class Postgres:
    """A database the tests may use: its SQLAlchemy URL, and where it comes from."""

    url: str
    origin: str


@contextmanager
def postgres(environ: Mapping[str, str] | None = None) -> Iterator[Postgres]:
    """The PostgreSQL of the tests, chosen as the module says; raises PostgresUnavailable."""
    configured = (os.environ if environ is None else environ).get(ENV)
    if configured:
        error = connect_error(configured)
        if error:
            raise PostgresUnavailable(
                f"{ENV}={shown(configured)} does not answer ({error}). Start that server, "
                f"or unset {ENV} to let the tests start a PostgreSQL of their own."
            )
        yield Postgres(configured, f"the server at {ENV}={shown(configured)}")
        return
    error = connect_error(DEFAULT_URL)
    if error is None:
        yield Postgres(DEFAULT_URL, f"the server at {shown(DEFAULT_URL)}")
        return
    with ExitStack() as stack:
        try:
            url, folder = stack.enter_context(throwaway_cluster())
        except PostgresUnavailable as exc:
            raise PostgresUnavailable(
                f"The tests need PostgreSQL. Nothing answers at {shown(DEFAULT_URL)} ({error}), "
                f"and none could be started: {exc}"
            ) from None
        yield Postgres(url, f"a throwaway cluster in {folder} ({shown(DEFAULT_URL)}: {error})")


def connect_error(url: str) -> str | None:
    """None when the database at ``url`` accepts a connection, else why not (one line)."""
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        cause = exc.orig if isinstance(exc, DBAPIError) else exc
        lines = str(cause).strip().splitlines()
        return lines[0] if lines else type(cause).__name__
    finally:
        engine.dispose()
    return None


def shown(url: str) -> str:
    """The URL as it may be printed: without its password."""
    return make_url(url).render_as_string(hide_password=True)


@contextmanager
def throwaway_cluster() -> Iterator[tuple[str, Path]]:
    """A new cluster in a temporary folder: yields its URL (database ``test``) and folder."""
    bindir = find_bindir()
    user = unprivileged_user()
    folder = Path(tempfile.mkdtemp(prefix="planbook-pg-"))
    data = folder / "data"
    started = False
    try:
        if user is not None:
            os.chown(folder, user.pw_uid, user.pw_gid)
        initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
        run([*initdb, "-E", "UTF8", "--locale=C", "--no-sync"], user=user, cwd=folder)
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n".join(("listen_addresses = '127.0.0.1'", *SETTINGS)) + "\n")
            conf.write(f"unix_socket_directories = '{folder}'\n")
        port = start(bindir=bindir, data=data, user=user)
        started = True
        create_database(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", "test")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/test", folder
    finally:
        try:
            if started:
                stop = [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
                run(stop, user=user, cwd=folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def find_bindir(pattern: str = BINDIRS) -> Path:
    """The folder of ``initdb`` and ``pg_ctl``: Debian's newest, else the one on PATH."""
    found = [Path(p) for p in glob.glob(pattern) if (Path(p) / "initdb").is_file()]
    if found:
        return max(found, key=lambda p: version_key(p.parent.name))
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable(f"no initdb was found (in {pattern} or on PATH). {INSTALL}")


def version_key(name: str) -> tuple[int, ...]:
    """'15' -> (15,), '9.6' -> (9, 6); a name that is not a version sorts first."""
    try:
        return tuple(int(part) for part in name.split("."))
    except ValueError:
        return (-1,)


def unprivileged_user() -> pwd.struct_passwd | None:
    """Who runs the cluster: None for the current user, or ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable(
            "PostgreSQL refuses to run as root, and there is no `postgres` user to run it as. "
            f"{INSTALL}"
        ) from None


def start(*, bindir: Path, data: Path, user: pwd.struct_passwd | None) -> int:
    """Start the cluster on a free port of 127.0.0.1 and return the port (three tries, for
    a port taken between choosing and binding)."""
    log = data.parent / "server.log"
    for _ in range(3):
        port = free_port()
        pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60"]
        try:
            run([*pg_ctl, "-o", f"-p {port}", "start"], user=user, cwd=data.parent)
            return port
        except PostgresUnavailable:
            if "already in use" not in log.read_text(encoding="utf-8", errors="replace"):
                raise
    raise PostgresUnavailable(f"no free port was found; see {log}.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(command: list[str], *, user: pwd.struct_passwd | None, cwd: Path) -> None:
    """Run a PostgreSQL tool, as ``user`` if given; its output becomes the error message."""
    result = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        user=None if user is None else user.pw_uid,
        group=None if user is None else user.pw_gid,
        extra_groups=None if user is None else [],
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        log = cwd / "server.log"
        if log.exists():
            output += "\n" + log.read_text(encoding="utf-8", errors="replace").strip()
        raise PostgresUnavailable(
            f"`{' '.join(command)}` exited with {result.returncode}:\n{output}\n{INSTALL}"
        )


def create_database(url: str, name: str) -> None:
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
