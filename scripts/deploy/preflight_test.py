"""Runs the pre-upgrade hook's scripts, exactly as rendered, against a real
PostgreSQL and real sockets on loopback, and checks each way they must stop
a release: a broker that does not answer, a database that does not answer,
a database with a failed migration, a database ahead of the release; and
that a healthy upgrade passes and leaves a restorable pg_dump behind.

Needs: sh, psql, pg_isready, pg_dump, nc; PORTTRACK_TEST_DATABASE_URL (a
superuser URL, as scripts/test.sh exports; check-deploy.sh starts a server
when it is unset).
"""

from __future__ import annotations

import os
import pathlib
import socket
import subprocess
import tempfile

from chart import Rendered

SQLX_TABLE = """
CREATE TABLE _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
);
CREATE TABLE vessels (mmsi BIGINT PRIMARY KEY, name TEXT);
INSERT INTO vessels VALUES (244660000, 'PORTTRACK TEST');
"""


def _container(job: dict, name: str) -> dict:
    for c in job["spec"]["template"]["spec"]["initContainers"]:
        if c["name"] == name:
            return c
    raise KeyError(name)


def _run(c: dict, env: dict[str, str], backup_dir: pathlib.Path) -> subprocess.CompletedProcess:
    script = c["args"][0].replace("/backup/", f"{backup_dir}/")
    fixed = {e["name"]: e["value"] for e in c.get("env", []) if "value" in e}
    return subprocess.run(c["command"][:1] + [c["command"][1], script],
                          env={**os.environ, **fixed, **env}, capture_output=True, text=True, timeout=60)


def _psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "--no-psqlrc", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                   capture_output=True, text=True)


def _with_db(admin_url: str, name: str) -> str:
    _psql(admin_url, f"DROP DATABASE IF EXISTS {name}")
    _psql(admin_url, f"CREATE DATABASE {name}")
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(upgrade: Rendered, admin_url: str) -> list[str]:
    """Problems found (empty: every scenario behaved)."""
    job = upgrade.find("Job", "porttrack-preflight")
    kafka, ships = _container(job, "kafka"), _container(job, "ships-database")
    known = int(next(e["value"] for e in ships["env"] if e["name"] == "KNOWN"))
    problems: list[str] = []

    def expect(label: str, p: subprocess.CompletedProcess, ok: bool, text: str = "") -> None:
        out = p.stdout + p.stderr
        if (p.returncode == 0) != ok or text not in out:
            problems.append(f"{label}: exit {p.returncode}, wanted {'success' if ok else 'failure'}"
                            f"{f' mentioning {text!r}' if text else ''}; output:\n{out.strip()}")

    with tempfile.TemporaryDirectory() as tmp:
        backups = pathlib.Path(tmp)
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        try:
            up = f"127.0.0.1:{listener.getsockname()[1]}"
            down = f"127.0.0.1:{_closed_port()}"
            expect("kafka answers", _run(kafka, {"BROKERS": up, "TIMEOUT": "3"}, backups), True, "answers")
            expect("kafka down", _run(kafka, {"BROKERS": f"{up},{down}", "TIMEOUT": "3"}, backups), False,
                   "PREFLIGHT FAILED: Kafka broker")
        finally:
            listener.close()

        fresh = _with_db(admin_url, "preflight_fresh")
        expect("fresh database", _run(ships, {"DATABASE_URL": fresh, "IS_UPGRADE": "true"}, backups), True,
               "at migration 0")

        current = _with_db(admin_url, "preflight_current")
        _psql(current, SQLX_TABLE + f"INSERT INTO _sqlx_migrations VALUES ({known}, 'init', now(), true, '\\x00', 1);")
        expect("database at this release's migration", _run(ships, {"DATABASE_URL": current, "IS_UPGRADE": "true"},
                                                             backups), True, "backup written")
        dumps = sorted(backups.glob("ships-r*.dump"))
        if len(dumps) != 1:
            problems.append(f"upgrade backup: expected one dump, found {dumps}")
        else:
            listing = subprocess.run(["pg_restore", "--list", str(dumps[0])], capture_output=True, text=True)
            if listing.returncode != 0 or "TABLE DATA public vessels" not in listing.stdout:
                problems.append(f"upgrade backup is not a restorable dump of the data: {listing.stderr or listing.stdout}")

        ahead = _with_db(admin_url, "preflight_ahead")
        _psql(ahead, SQLX_TABLE + f"INSERT INTO _sqlx_migrations VALUES ({known + 1}, 'next', now(), true, '\\x00', 1);")
        expect("database ahead of the release (a rollback)", _run(ships, {"DATABASE_URL": ahead}, backups), True,
               "newer than this release knows")

        failed = _with_db(admin_url, "preflight_failed")
        _psql(failed, SQLX_TABLE + f"INSERT INTO _sqlx_migrations VALUES ({known}, 'init', now(), false, '\\x00', 1);")
        expect("failed migration", _run(ships, {"DATABASE_URL": failed}, backups), False, "failed migration")

        gone = f"postgres://porttrack@127.0.0.1:{_closed_port()}/postgres"
        expect("database down", _run(ships, {"DATABASE_URL": gone, "TIMEOUT": "3"}, backups), False,
               "does not answer")
        for name in ("fresh", "current", "ahead", "failed"):
            _psql(admin_url, f"DROP DATABASE IF EXISTS preflight_{name}")
    return problems
