"""Shared fixtures; and the offline promise: no test may open an internet socket."""

from __future__ import annotations

import re
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from casework.importers.extract.base import Mention

_real_socket = socket.socket
_INET = (socket.AF_INET, socket.AF_INET6)
_DNS_EVENTS = frozenset(
    {
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyname_ex",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
    }
)


def _offline_audit(event: str, args: tuple[object, ...]) -> None:
    """Second guard, for the whole session (collection too) and for code that skips
    `socket.socket` (`_socket`, C extensions): PEP 578 audit events, which cannot be bypassed.
    """
    if event == "socket.__new__" and args[1] in _INET:
        raise RuntimeError("internet socket created in a test (Casework is offline)")
    if (
        event in ("socket.connect", "socket.sendto", "socket.sendmsg")
        and getattr(args[0], "family", None) in _INET
    ):
        raise RuntimeError("network access attempted in a test (Casework is offline)")
    if event in _DNS_EVENTS:
        raise RuntimeError("DNS lookup attempted in a test (Casework is offline)")


sys.addaudithook(_offline_audit)


class _OfflineSocket(_real_socket):
    """AF_UNIX stays allowed: asyncio (and so Textual) needs a socketpair."""

    def __init__(self, family: int = -1, *args: object, **kwargs: object) -> None:
        if family in (socket.AF_INET, socket.AF_INET6):
            raise RuntimeError("network access attempted in a test (Casework is offline)")
        super().__init__(family, *args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket, "socket", _OfflineSocket)

    def no_dns(*args: object, **kwargs: object) -> None:
        raise RuntimeError("DNS lookup attempted in a test (Casework is offline)")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.setattr(socket, "create_connection", no_dns)
    yield


class PatternExtractor:
    """A deterministic extractor for pipeline tests: fixed patterns per kind."""

    name = "test"

    def __init__(self, patterns: dict[str, str], values: dict[str, str] | None = None) -> None:
        self.patterns = {k: re.compile(p) for k, p in patterns.items()}
        self.values = values or {}

    def extract(self, text: str, *, doc_date: object = None) -> list[Mention]:
        found = [
            Mention(
                m.start(),
                m.end(),
                m.group(),
                kind,
                value=self.values.get(m.group()),
                extractor=self.name,
            )
            for kind, pattern in self.patterns.items()
            for m in pattern.finditer(text)
        ]
        found.sort(key=lambda m: (m.start, -m.end))
        out: list[Mention] = []
        for m in found:
            if not out or m.start >= out[-1].end:
                out.append(m)
        return out


SPY_PATTERNS = {
    "person": r"Henri M\.?|Pierre[- ]Mar(?:ie)? H\.?|Fiona McCallum|McCallum|Marc Durand"
    r"|Sophie Durand|Durand",
    "organization": r"Directorate-General for External Security|DGSE|DGSI|MI5|MI6",
    "place": r"Paris|Beijing|Brazzaville|Switzerland",
    "money": r"€120,000",
    "date": r"22 December 2017|December 2017",
}
SPY_VALUES = {
    "€120,000": "EUR 120000",
    "22 December 2017": "2017-12-22",
    "December 2017": "2017-12",
}


@pytest.fixture
def spy_extractor() -> PatternExtractor:
    return PatternExtractor(SPY_PATTERNS, SPY_VALUES)


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    return tmp_path / "case.db"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo case, built once per test run with the real pipeline."""
    from casework.importers.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("demo") / "demo.db")
