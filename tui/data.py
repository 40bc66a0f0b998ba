"""The TUI's access to the case: every query runs off the UI thread.

Two lanes, each one thread with its own connection: "search" (keystrokes, the
palette) and "record" (panes, documents). A slow search never delays opening a
record, and a connection is never shared between threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from casework.db.connection import open_case

T = TypeVar("T")
LANES = ("search", "record")


class CaseReader:
    def __init__(self, path: Path, *, readonly: bool = True) -> None:
        self.path = path
        self.readonly = readonly
        self._executors = {
            lane: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"case-{lane}")
            for lane in LANES
        }
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = open_case(self.path, readonly=self.readonly)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    async def run(
        self, fn: Callable[..., T], *args: object, lane: str = "record", **kwargs: object
    ) -> T:
        """Run `fn(conn, *args, **kwargs)` on the lane's thread and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executors[lane], lambda: fn(self._conn(), *args, **kwargs)
        )

    def close(self) -> None:
        for ex in self._executors.values():
            ex.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            for conn in self._connections:
                with contextlib.suppress(sqlite3.Error):
                    conn.interrupt()
