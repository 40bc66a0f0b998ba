"""Offline: the test guard really blocks the internet, and the product never tries.

conftest.py blocks AF_INET/AF_INET6 sockets and name lookups for every test
(AF_UNIX stays: asyncio needs a socketpair). The last test runs import,
search and the TUI in a fresh interpreter with a PEP 578 audit hook that
records every socket event, including those of forked import workers.
"""

from __future__ import annotations

import _socket
import json
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from hostile import write_hostile_folder


def test_the_guard_blocks_internet_sockets_and_lookups() -> None:
    with pytest.raises(RuntimeError, match="offline"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(RuntimeError, match="offline"):
        socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    with pytest.raises(RuntimeError, match="offline"):
        _socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # under `socket.socket`
    with pytest.raises(RuntimeError, match="offline"):
        socket.getaddrinfo("example.org", 443)
    with pytest.raises(RuntimeError, match="offline"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    with pytest.raises(RuntimeError, match="offline"):
        urllib.request.urlopen("http://192.0.2.1/", timeout=0.1)


def test_the_guard_allows_unix_sockets() -> None:
    a, b = socket.socketpair()  # what asyncio, and so Textual, needs
    with a, b:
        a.sendall(b"ok")
        assert b.recv(2) == b"ok"


PROBE = r"""
import asyncio, os, socket, sys
fd = os.open(sys.argv[3], os.O_WRONLY | os.O_APPEND)
WATCH = ("socket.", "urllib.Request", "http.client.connect", "ftplib.connect",
         "smtplib.connect", "webbrowser.open", "imaplib.open", "poplib.connect")

def family(obj):
    return getattr(obj, "family", None)

def hook(event, args):
    if not event.startswith(WATCH):
        return
    if event == "socket.__new__":
        detail = int(args[1])
    elif event in ("socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind"):
        detail = int(family(args[0]) or -1)
    else:
        detail = repr(args[:2])
    os.write(fd, f"{os.getpid()}\t{event}\t{detail}\n".encode())

sys.addaudithook(hook)

from casework.tui.cli import main
folder, db = sys.argv[1], sys.argv[2]
assert main(["import", folder, "--db", db, "--jobs", "2"]) in (0, 2)
assert main(["search", "henri", "--db", db]) == 0
assert main(["show", "1", "--db", db]) == 0

from casework.tui.app import CaseworkApp

async def journey(pilot):
    await pilot.press(*"henri")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause(0.3)
    await pilot.press("o")
    await pilot.pause(0.3)
    pilot.app.exit()

CaseworkApp(db).run(headless=True, auto_pilot=journey)
os.write(fd, b"-\tSELFTEST\t-\n")
try:
    socket.getaddrinfo("localhost", 80)
except OSError:
    pass
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
"""

INET = {int(socket.AF_INET), int(socket.AF_INET6)}


def test_import_search_and_the_tui_open_no_internet_socket(tmp_path: Path) -> None:
    folder = write_hostile_folder(tmp_path / "docs", long_line=20_000)
    log = tmp_path / "events.tsv"
    log.touch()
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder), str(tmp_path / "case.db"), str(log)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [line.split("\t") for line in log.read_text().splitlines()]
    marker = next(i for i, r in enumerate(rows) if r[1] == "SELFTEST")
    product, selftest = rows[:marker], rows[marker + 1 :]

    def internet(rows: list[list[str]]) -> list[list[str]]:
        return [
            r
            for r in rows
            if (r[2].lstrip("-").isdigit() and int(r[2]) in INET)
            or r[1] in ("socket.getaddrinfo", "socket.gethostbyname", "urllib.Request")
            or r[1].startswith(("http.", "ftplib.", "smtplib.", "webbrowser."))
        ]

    assert internet(product) == [], json.dumps(internet(product)[:5])
    assert {r[0] for r in product} != set()  # the TUI's asyncio socketpair was seen: hook works
    assert len(internet(selftest)) >= 2  # and the oracle does see an INET socket and a lookup
