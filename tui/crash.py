"""What a crash shows and logs: never document text, never local variables.

Textual's own handler prints a traceback with locals, which can hold passage
text (../shared/research/security.md 2.5). Ours logs frames (file, line,
function) and the exception type only, in a private log file.
"""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_log_dir

from casework.tui.sanitize import visible_line


def log_dir() -> Path:
    return Path(user_log_dir("casework", appauthor=False))


def crash_report(exc: BaseException) -> str:
    """Frames and the exception type; exception messages may quote documents, so no message."""
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [f"{datetime.now(UTC).isoformat()} {type(exc).__module__}.{type(exc).__name__}"]
    lines += [f"  {f.filename}:{f.lineno} in {f.name}" for f in frames]
    return "\n".join(lines) + "\n"


def write_crash_log(exc: BaseException) -> Path | None:
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)  # also when an older or foreign one was looser
        path = folder / "crash.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write(crash_report(exc))
        return path
    except OSError:
        return None


def crash_message(exc: BaseException | None) -> str:
    """One line for the user: the exception type and where the details were logged."""
    log = write_crash_log(exc) if exc is not None else None
    name = type(exc).__name__ if exc is not None else "error"
    where = f"; details in {visible_line(str(log))}" if log else ""
    return f"casework: internal error ({name}){where}"
