"""The import's fork pool: task order kept, a stuck or dead worker fails its task alone."""

from __future__ import annotations

import os
import signal
import time

from casework.importers.workers import DIED, Failed, ForkPool


def _work(task: tuple[str, int] | tuple[str, int, str]) -> str:
    what, n = task[0], task[1]
    if what == "sleep":
        time.sleep(60)
    if what == "die":
        os._exit(3)
    if what == "raise":
        raise ValueError("a message that quotes the document")
    if what == "big":
        return task[2] * 2  # type: ignore[misc]
    return f"{what}{n}"


def test_results_come_back_in_task_order() -> None:
    tasks = [("t", i) for i in range(40)]
    assert list(ForkPool(_work, 2, None).map(tasks)) == [f"t{i}" for i in range(40)]


def test_a_stuck_worker_fails_its_task_and_the_rest_go_on() -> None:
    tasks = [("t", 0), ("sleep", 1), ("t", 2), ("t", 3), ("t", 4)]
    t0 = time.monotonic()
    out = list(ForkPool(_work, 2, 1.0).map(tasks))
    assert time.monotonic() - t0 < 20
    assert out[0] == "t0" and out[2:] == ["t2", "t3", "t4"]
    assert out[1] == Failed(("sleep", 1), "timed out after 1 s")


def test_a_dead_worker_or_an_exception_fails_that_task_only() -> None:
    tasks = [("die", 0), ("t", 1), ("raise", 2), ("t", 3)]
    out = list(ForkPool(_work, 1, None).map(tasks))
    assert out == [
        Failed(("die", 0), DIED),
        "t1",
        Failed(("raise", 2), "internal error (ValueError)"),  # its type, never its message
        "t3",
    ]


def test_big_tasks_and_results_do_not_deadlock_the_pipes() -> None:
    """Tasks and results far over a pipe's buffer, both ways, several in flight."""
    tasks = [("big", i, "x" * (3_000_000 + i)) for i in range(6)]

    def stuck(signum: int, frame: object) -> None:
        raise TimeoutError("the pool deadlocked")

    old = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(30)
    try:
        out = list(ForkPool(_work, 2, 60).map(tasks))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert [len(r) for r in out] == [2 * (3_000_000 + i) for i in range(6)]


def test_tasks_settled_locally_skip_the_workers() -> None:
    pool = ForkPool(_work, 2, None, local=lambda t: "here" if t[0] == "skip" else None)
    assert list(pool.map([("skip", 0), ("t", 1), ("skip", 2)])) == ["here", "t1", "here"]
