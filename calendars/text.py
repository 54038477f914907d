"""Text safety for iCalendar output: escaping, parameter quoting and line folding (RFC 5545).

Everything a person types (a client's name, a meeting title, a room, a calendar name) reaches a
calendar file only through these functions, so nothing typed can end a line early and add a
property or a component:

- :func:`escape_text` makes a TEXT value: backslash, ``;``, ``,`` and every kind of line break
  are escaped (``\\\\``, ``\\;``, ``\\,``, ``\\n``); other control characters are dropped.
- :func:`param_value` makes a parameter value (``CN=...``): always double-quoted, with RFC 6868
  encoding for ``^``, ``"`` and line breaks, and control characters dropped.
- :func:`fold` ends each content line with CRLF and folds it at 75 octets without splitting a
  UTF-8 character.
"""

from __future__ import annotations

import re

# Line breaks in every form a parser might honour: CRLF, CR, LF, NEL, LS, PS, VT and FF.
_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029\x0b\x0c]")
# Control characters that are not allowed in TEXT (HTAB is allowed; line breaks are handled above).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# What clean_text must see: controls and unusual line breaks (a plain LF is escaped directly).
_NEEDS_CLEANING = re.compile("[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")
_SAFE_TEXT = re.compile(r"[^\\;,\r\n\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]*\Z")

FOLD_OCTETS = 75


def clean_text(value: str, *, multiline: bool = True) -> str:
    """``value`` with line breaks normalised to ``\\n`` (or spaces) and control characters gone."""
    value = _LINE_BREAKS.sub("\n" if multiline else " ", value)
    return _CONTROLS.sub("", value)


def escape_text(value: str, *, multiline: bool = True) -> str:
    """A TEXT property value (RFC 5545 §3.3.11) that cannot break out of its line.

    With ``multiline=False`` line breaks become spaces (for summaries and names, which calendar
    programs show on one line).
    """
    if _SAFE_TEXT.match(value):
        return value
    if _NEEDS_CLEANING.search(value) or (not multiline and "\n" in value):
        value = clean_text(value, multiline=multiline)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def unescape_text(value: str) -> str:
    """The inverse of :func:`escape_text` for values it produced (used by tests and import)."""
    out: list[str] = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def param_value(value: str) -> str:
    """A parameter value, always in double quotes, RFC 6868-encoded (``^^``, ``^'``, ``^n``)."""
    value = _LINE_BREAKS.sub("\n", value)
    value = _CONTROLS.sub("", value)
    value = value.replace("^", "^^").replace('"', "^'").replace("\n", "^n")
    return f'"{value}"'


def fold_line(line: str) -> str:
    """One content line folded at 75 octets (continuations joined by CRLF and a space).

    A fold never splits a multi-byte UTF-8 character; continuation lines start with one space,
    which counts toward their 75 octets. A line that still holds a line break is refused.
    """
    if line.isascii():
        if "\r" in line or "\n" in line:
            raise ValueError("a content line may not contain a line break; escape the value first")
        if len(line) <= FOLD_OCTETS:
            return line
        # ASCII: one character is one octet, so the folds fall at fixed places.
        rest = FOLD_OCTETS - 1
        parts = [line[:FOLD_OCTETS]]
        parts += [line[i : i + rest] for i in range(FOLD_OCTETS, len(line), rest)]
        return "\r\n ".join(parts)
    return fold(line)[:-2].decode("utf-8")


def fold(line: str) -> bytes:
    """One content line as UTF-8 bytes ending in CRLF, folded at 75 octets.

    A fold never splits a multi-byte UTF-8 character; continuation lines start with one space,
    which counts toward their 75 octets.
    """
    if "\r" in line or "\n" in line:
        raise ValueError("a content line may not contain a line break; escape the value first")
    data = line.encode("utf-8")
    if len(data) <= FOLD_OCTETS:
        return data + b"\r\n"
    parts: list[bytes] = []
    start = 0
    limit = FOLD_OCTETS
    size = len(data)
    while size - start > limit:
        end = start + limit
        # Step back over UTF-8 continuation bytes (10xxxxxx) so a character stays whole.
        while data[end] & 0xC0 == 0x80:
            end -= 1
        parts.append(data[start:end])
        start = end
        limit = FOLD_OCTETS - 1
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"
