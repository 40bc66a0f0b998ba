"""A small fork pool for the import: results in task order, a time limit per task.

concurrent.futures' ProcessPoolExecutor cost the single writer a fifth of its
time on Python 3.11 (a wake-up pipe written on every submit, a manager thread,
a feeder thread). Here each worker is a forked process with one duplex pipe:
the parent sends a task, the worker sends back its result, and the parent
waits on all pipes at once. A worker that passes its time limit is killed,
one that dies is noticed by its pipe closing; either way its task fails
alone, the tasks queued behind it go to a fresh worker, and the import goes on.
"""

from __future__ import annotations

import multiprocessing
import pickle
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PER_WORKER = 2  # tasks sent ahead to each worker, so it never waits for the parent
# A task is sent to a busy worker only when it fits in the pipe's buffer: otherwise the
# parent could block sending while the worker blocks sending its result back.
AHEAD_BYTES = 64 * 1024
DIED = "the reader process died (out of memory?)"


@dataclass(frozen=True, slots=True)
class Failed(Generic[T]):
    """A task whose worker timed out or died: `reason` says which."""

    task: T
    reason: str


@dataclass(frozen=True, slots=True)
class _Crashed:
    error: str  # the exception's type name: never its message, which may quote a document


def _serve(conn: Connection, func: Callable[[object], object]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl-c is the parent's to handle
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        try:
            result: object = func(task)
        except Exception as exc:
            result = _Crashed(type(exc).__name__)
        conn.send(result)


@dataclass(slots=True)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    queue: deque[int] = field(default_factory=deque)  # task numbers sent, oldest first
    started: float = 0.0  # when it began the oldest one


class ForkPool(Generic[T, R]):
    """`jobs` forked workers running `func`; the child inherits everything (gazetteers too)."""

    def __init__(
        self,
        func: Callable[[T], R],
        jobs: int,
        timeout: float | None,
        local: Callable[[T], R | None] = lambda task: None,
    ) -> None:
        """`local(task)` gives a task's result without a worker, or None to send it to one."""
        self.func, self.jobs, self.timeout, self.local = func, max(1, jobs), timeout, local
        self.ctx = multiprocessing.get_context("fork")
        self.workers: list[_Worker] = []
        self.wire: dict[int, bytes] = {}

    def map(self, tasks: Iterable[T]) -> Iterator[R | Failed[T]]:
        """Each task's result (or Failed), in the order of `tasks`."""
        source = iter(tasks)
        backlog: deque[int] = deque()  # numbers of tasks read but not sent (or to resend)
        held: dict[int, T] = {}
        self.wire: dict[int, bytes] = {}  # pickled tasks, by number
        done: dict[int, R | Failed[T]] = {}
        next_out = 0
        count = 0
        exhausted = False
        self.workers = [self._spawn() for _ in range(self.jobs)]
        try:
            while True:
                while not exhausted and len(held) + len(done) < self.jobs * (PER_WORKER + 2):
                    try:
                        task = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    mine = self.local(task)
                    if mine is not None:
                        done[count] = mine
                    else:
                        held[count] = task
                        backlog.append(count)
                    count += 1
                self._send(backlog, held)
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
                if exhausted and next_out == count:
                    return
                self._collect(backlog, held, done)
        finally:
            self.close()

    def _send(self, backlog: deque[int], held: dict[int, T]) -> None:
        for w in self.workers:
            while backlog and len(w.queue) < PER_WORKER:
                n = backlog[0]
                data = self.wire.get(n)
                if data is None:
                    data = self.wire[n] = pickle.dumps(held[n], pickle.HIGHEST_PROTOCOL)
                if w.queue and len(data) > AHEAD_BYTES:
                    break
                backlog.popleft()
                if not w.queue:
                    w.started = time.monotonic()
                w.queue.append(n)
                w.conn.send_bytes(data)

    def _collect(
        self, backlog: deque[int], held: dict[int, T], done: dict[int, R | Failed[T]]
    ) -> None:
        """Wait for a result (or a time limit) and file what arrived."""
        busy = [w for w in self.workers if w.queue]
        if not busy:
            return
        wait_for = None
        if self.timeout is not None:
            first = min(w.started for w in busy) + self.timeout
            wait_for = max(0.0, first - time.monotonic())
        ready = wait([w.conn for w in busy], timeout=wait_for)
        now = time.monotonic()
        for w in busy:
            if w.conn in ready:
                try:
                    result = w.conn.recv()
                except (EOFError, OSError):
                    self._replace(w, backlog, held, done, DIED)
                    continue
                n = w.queue.popleft()
                task = held.pop(n)
                self.wire.pop(n, None)
                done[n] = (
                    Failed(task, f"internal error ({result.error})")
                    if isinstance(result, _Crashed)
                    else result
                )
                w.started = now
            elif self.timeout is not None and now - w.started >= self.timeout:
                self._replace(w, backlog, held, done, f"timed out after {self.timeout:g} s")

    def _replace(
        self,
        w: _Worker,
        backlog: deque[int],
        held: dict[int, T],
        done: dict[int, R | Failed[T]],
        reason: str,
    ) -> None:
        """Kill a worker; its current task fails, the ones queued behind it go back."""
        n = w.queue.popleft()
        self.wire.pop(n, None)
        done[n] = Failed(held.pop(n), reason)
        backlog.extendleft(reversed(w.queue))
        self._stop(w)
        self.workers[self.workers.index(w)] = self._spawn()

    def _spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe(duplex=True)
        process = self.ctx.Process(target=_serve, args=(child, self.func), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _stop(self, w: _Worker) -> None:
        w.conn.close()
        if w.process.is_alive():
            w.process.kill()
        w.process.join()

    def close(self) -> None:
        for w in self.workers:
            self._stop(w)
        self.workers = []
