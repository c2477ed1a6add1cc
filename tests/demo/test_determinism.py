"""Same (month, scale, seed) -> byte-identical files, xlsx included (fixed document dates and zip
entry times); another seed -> other data."""

from __future__ import annotations

from pathlib import Path

from pipelines.demo.generator import generate_month


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_runs_write_identical_bytes(tmp_path: Path) -> None:
    first = generate_month("2021-02", tmp_path / "a", scale=0.05)
    second = generate_month("2021-02", tmp_path / "b", scale=0.05)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert sorted(a) == sorted(b)
    assert len(a) == 9  # units.csv + the 8 month files (appeals.csv included)
    for name in a:
        assert a[name] == b[name], f"{name} differs between two runs"
    assert first.figures == second.figures
    assert first.row_counts == second.row_counts


def test_parquet_runs_are_identical_too(tmp_path: Path) -> None:
    for out in ("a", "b"):
        generate_month("2021-03", tmp_path / out, scale=0.05, big_table_format="parquet", chunk_rows=1000)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert "2021-03/orders.parquet" in a
    assert a == b


def test_another_seed_gives_other_orders(tmp_path: Path) -> None:
    one = generate_month("2021-02", tmp_path / "a", scale=0.05, seed=1)
    two = generate_month("2021-02", tmp_path / "b", scale=0.05, seed=2)
    assert one.paths["orders"].read_bytes() != two.paths["orders"].read_bytes()
    # the volumes come from the reference figures, not from the seed
    assert abs(one.row_counts["orders"] - two.row_counts["orders"]) < 0.01 * one.row_counts["orders"]


def test_rerun_in_the_same_folder_overwrites_and_keeps_units(tmp_path: Path) -> None:
    generate_month("2021-02", tmp_path, scale=0.05, big_table_format="parquet")
    units = tmp_path / "units.csv"
    units.write_text(units.read_text(encoding="utf-8"), encoding="utf-8")
    summary = generate_month("2021-02", tmp_path, scale=0.05)
    assert summary.units_existed
    month_files = sorted(p.name for p in (tmp_path / "2021-02").iterdir())
    assert "orders.parquet" not in month_files  # one file per input: the CSV replaced it
    assert "orders.csv" in month_files
