"""Detect the text encoding of a CSV export: UTF-8 (with or without BOM) or GB18030 (covers GBK)."""

from __future__ import annotations

import codecs
from pathlib import Path

from pipelines.ingest.errors import InputFileError

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
GB18030 = "gb18030"

#: bytes read at a time while looking for the first non-ASCII text
CHUNK_BYTES = 1 << 20

REEXPORT = "re-export the file as CSV in UTF-8 or GB18030 (GBK), e.g. Excel 'CSV UTF-8'"


def _decodes(encoding: str, sample: bytes, final: bool) -> int | None:
    """None if `sample` decodes; else the offset of the first undecodable byte.

    An incremental decoder is used so a multibyte character cut at the end of the sample does
    not count as an error unless the sample is the end of the file.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        decoder.decode(sample, final=final)
    except UnicodeDecodeError as exc:
        return exc.start
    return None


def detect_csv_encoding(path: Path) -> str:
    """`utf-8-sig`, `utf-8` or `gb18030`; InputFileError when the bytes are neither.

    The decision is made on the first chunk holding non-ASCII bytes (pure ASCII is valid UTF-8),
    so a file whose first megabytes are ASCII is still told apart by its first Chinese text.
    """
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return UTF8_BOM
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise InputFileError(
                path,
                "the file is UTF-16 text (Excel 'Unicode text'), not CSV in UTF-8 or GB18030",
                REEXPORT,
            )
        handle.seek(0)
        offset = 0
        while True:
            chunk = handle.read(CHUNK_BYTES)
            if not chunk:
                return UTF8
            if not chunk.isascii():
                break
            offset += len(chunk)
    final = len(chunk) < CHUNK_BYTES  # a short read of a regular file is its end
    if _decodes(UTF8, chunk, final) is None:
        return UTF8
    bad = _decodes(GB18030, chunk, final)
    if bad is None:
        return GB18030
    raise InputFileError(
        path,
        f"undecodable bytes at byte {offset + bad}: the file is neither UTF-8 nor GB18030 (GBK)",
        REEXPORT,
    )
