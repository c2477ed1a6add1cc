"""Find where a CSV export changes encoding (a GB18030 export with UTF-8 rows appended, or the reverse).

A GB18030 decoder accepts most UTF-8 bytes as (wrong) Chinese text, so a UTF-8 tail appended to a
GB18030 export would be loaded as mojibake without any error: every GB18030 file is checked, one
line-aligned chunk at a time (a chunk of GB18030 text fails to decode as UTF-8 at its first Chinese
character, so the check costs one read of the file). A UTF-8 file with GB18030 rows fails in the
parser, and `first_undecodable_line` then names the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pipelines.ingest.encoding import GB18030, REEXPORT, UTF8, UTF8_BOM
from pipelines.ingest.errors import InputFileError

CHUNK_BYTES = 1 << 20
MIXED_FIX = (
    "export the whole table again in one go (one encoding), or convert the appended part to the "
    "encoding of the first lines before joining the files"
)


def _names(encoding: str) -> str:
    return "GB18030 (GBK)" if encoding == GB18030 else "UTF-8"


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _line_chunks(path: Path) -> Iterator[tuple[int, bytes]]:
    """(first line number, bytes of whole lines) of about CHUNK_BYTES each."""
    line = 1
    rest = b""
    with open(path, "rb") as handle:
        while True:
            block = handle.read(CHUNK_BYTES)
            if not block:
                if rest:
                    yield line, rest
                return
            data = rest + block
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                rest = data
                continue
            yield line, data[:cut]
            line += data.count(b"\n", 0, cut)
            rest = data[cut:]


#: a Chinese character: UTF-8 writes each as 3 bytes, so short GB18030 text that happens to be valid
#: UTF-8 (2-byte sequences such as D6 B0) decodes to no CJK character and is not taken for UTF-8
_CJK = re.compile("[\u3400-\u9fff]")


def _is_utf8_chinese(line: bytes) -> bool:
    try:
        text = line.decode(UTF8)
    except UnicodeDecodeError:
        return False
    return bool(_CJK.search(text))


def _first_utf8_line(first: int, chunk: bytes) -> int | None:
    for offset, line in enumerate(chunk.split(b"\n")):
        if not line.isascii() and _is_utf8_chinese(line):
            return first + offset
    return None


def check_single_encoding(path: Path, encoding: str) -> None:
    """Raise InputFileError naming the line where a GB18030 file turns to UTF-8 (no-op for UTF-8)."""
    if encoding != GB18030:
        return
    previous: tuple[int, bytes] | None = None
    last: tuple[int, bytes] | None = None
    for first, chunk in _line_chunks(path):
        last = (first, chunk)
        if not chunk.isascii() and _is_utf8_chinese(chunk):
            # the change is in this chunk or at the end of the previous one
            for start, part in ([previous] if previous else []) + [(first, chunk)]:
                found = _first_utf8_line(start, part)
                if found is not None:
                    raise encoding_change(path, found, GB18030, UTF8)
        previous = (first, chunk)
    if last is not None:  # a short UTF-8 tail inside the last chunk
        found = _first_utf8_line(*last)
        if found is not None:
            raise encoding_change(path, found, GB18030, UTF8)


def encoding_change(path: Path, line: int, first: str, then: str) -> InputFileError:
    return InputFileError(
        path,
        f"two encodings in one file: lines 1–{line - 1} are {_names(first)} but line {line} is "
        f"{_names(then)} (rows appended from another export?)",
        MIXED_FIX,
    )


def first_undecodable_line(path: Path, encoding: str) -> InputFileError | None:
    """The error for the first line that `encoding` cannot decode, naming the other encoding when
    the line is in it; None when every line decodes (the failure was elsewhere)."""
    codec = UTF8 if encoding in (UTF8, UTF8_BOM) else encoding
    other = GB18030 if codec == UTF8 else UTF8
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if number == 1 and encoding == UTF8_BOM:
                line = line[3:]
            if _decodes(line, codec):
                continue
            if _decodes(line, other):
                return encoding_change(path, number, codec, other)
            return InputFileError(
                path,
                f"line {number} holds bytes that are neither UTF-8 nor GB18030 (the lines above are "
                f"{_names(codec)})",
                REEXPORT,
            )
    return None


def _first_failing_line(path: Path, codec: str) -> int | None:
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not _decodes(line, codec):
                return number
    return None


def explain_mixed_encodings(path: Path) -> InputFileError | None:
    """For a file that is neither UTF-8 nor GB18030 throughout: the encoding-change error when its
    first lines are one and a later line the other; None when it is neither."""
    utf8_fails = _first_failing_line(path, UTF8)
    gb_fails = _first_failing_line(path, GB18030)
    if utf8_fails is None or gb_fails is None:
        return None
    first, then, line = (UTF8, GB18030, utf8_fails) if utf8_fails > gb_fails else (GB18030, UTF8, gb_fails)
    with open(path, "rb") as handle:
        for number, text in enumerate(handle, start=1):
            if number == line:
                return encoding_change(path, line, first, then) if _decodes(text, then) else None
    return None
