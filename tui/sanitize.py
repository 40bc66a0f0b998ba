"""Making untrusted text safe to show: every control character becomes visible.

Document text can carry terminal escape sequences (OSC 52 clipboard writes,
window titles, hyperlinks), C1 controls, NUL and bidi overrides. No widget or
console filters them (../shared/research/security.md), so every string from a
case passes through `visible` before it reaches a terminal, in the TUI and in
the CLI's plain output. Tab and newline are kept where layout needs them.
"""

from __future__ import annotations

import re

# C0 except TAB/LF, DEL, C1, the bidi/format controls that reorder or hide text
# (tag characters included: invisible, they make two names look the same), and
# lone surrogates, which a terminal cannot be sent at all.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
_UNSAFE_LINE = re.compile(_UNSAFE.pattern[:-1] + "\t\n]")

_NAMES = {0x1B: "␛", 0x00: "␀", 0x7F: "␡"}


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code in _NAMES:
        return _NAMES[code]
    if code == 0x09:
        return "→"
    if code == 0x0A:
        return "↵"
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␍ ␇ ...
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"<U+{code:04X}>"


def visible(text: str) -> str:
    """Controls shown as symbols or escapes; tabs and newlines kept."""
    return _UNSAFE.sub(_escape, text)


def visible_line(text: str) -> str:
    """As `visible`, and tabs/newlines too: for one-line labels and table cells."""
    return _UNSAFE_LINE.sub(_escape, text)


def controls_to_spaces(text: str) -> str:
    """Every character `visible_line` would escape becomes a space: for typed or pasted input."""
    return _UNSAFE_LINE.sub(" ", text)
