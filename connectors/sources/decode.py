"""Bytes -> text for every source file: UTF-8 (with or without a BOM), else Windows-1252.

Excel on Windows saves "CSV" in Windows-1252, so accented names arrive in it; such a file is read
as Windows-1252. A file that is mostly UTF-8 but has a few bad bytes stays UTF-8, and the rows
holding the bad bytes are rejected (as surrogates they are found by the row checks). UTF-16 is
refused with a remedy.
"""

from pathlib import Path

from connectors.sources.problems import SAVE_AS_UTF8, SourceProblem, file_problem

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SNIFF = 400  # bytes looked at to recognise UTF-16 without a BOM


def decode_text(path: Path, name: str, problems: list[SourceProblem]) -> str | None:
    """The file's text, or None with a FILE problem when it cannot be read as text."""
    try:
        data = path.read_bytes()
    except OSError as e:
        reason = f"cannot read file: {e.strerror or e}"
        problems.append(file_problem(name, 0, reason, "check the path and the file permissions"))
        return None
    if data.startswith(_UTF16_BOMS) or _looks_utf16(data[:_SNIFF]):
        problems.append(file_problem(name, 1, "file is UTF-16, not UTF-8", SAVE_AS_UTF8))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    loose = data.decode("utf-8-sig", errors="surrogateescape")
    if any(ord(c) > 0x7F and not 0xDC80 <= ord(c) <= 0xDCFF for c in loose):
        return loose  # UTF-8 with a few bad bytes: those rows are rejected
    return data.decode("cp1252", errors="surrogateescape")


def _looks_utf16(head: bytes) -> bool:
    """Mostly-ASCII UTF-16 has a NUL in every other byte."""
    return len(head) >= 4 and head.count(0) * 3 >= len(head)
