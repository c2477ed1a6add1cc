"""Two encodings in one CSV are named with the line where the encoding changes (issue 8, point 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.contract import UNITS
from pipelines.ingest import InputFileError, read_batches
from pipelines.ingest.mixed_encoding import CHUNK_BYTES, check_single_encoding


def test_gb18030_that_happens_to_be_valid_utf8_is_not_taken_for_utf8(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    # 职 is D6 B0 in GB18030: a valid 2-byte UTF-8 sequence, but no Chinese character in UTF-8
    path.write_bytes("unit_code,unit_name,unit_group\nU01,职,县区\nU02,职\n".encode("gb18030"))
    check_single_encoding(path, "gb18030")


def test_utf8_rows_appended_after_megabytes_of_gb18030_are_named_by_line(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    rows = [f"U{i:05d},市城市管理局第{i}科,县区" for i in range(60_000)]
    head = ("unit_code,unit_name,unit_group\n" + "\n".join(rows) + "\n").encode("gb18030")
    assert len(head) > 1.5 * CHUNK_BYTES
    path.write_bytes(head + "U99999,交通运输局,县区\nU99998,水务局,县区\n".encode())
    with pytest.raises(InputFileError) as caught:
        list(read_batches(path, UNITS))
    assert caught.value.problem.startswith(
        "two encodings in one file: lines 1–60001 are GB18030 (GBK) but line 60002 is UTF-8"
    )
