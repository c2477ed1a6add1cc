"""Year to date, points to recover and report cards end to end (issue 13): two tiny generated
months run one after the other by `hotline run`, every assertion on the same run.

The figures are checked against an independent recomputation from the warehouse's per-month exact
totals (year to date) and the month's own counts in bulletin.json (to_full), not against the marts
that produced them.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.demo.generator import generate_month
from tests.pipeline.independent import read_orders
from tests.support.pipeline_run import HOTLINE, PipelineRun, pipeline_env

pytestmark = pytest.mark.slow

MONTHS = ("2021-01", "2021-02")
SCALE = 0.02
RATE_TARGETS = {"及时签收率": Decimal(100), "按时办结率": Decimal(95), "首次回应率": Decimal(100)}
SATISFACTION_TARGETS = {"市派": Decimal(95), "省派": Decimal(98)}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    root = tmp_path_factory.mktemp("year_cards")
    for month in MONTHS:
        generate_month(month, root / "landing", scale=SCALE)
    env = pipeline_env(root)
    outputs = {}
    for month in MONTHS:  # in order: February's year to date counts January
        outputs[month] = subprocess.run(
            [str(HOTLINE), "run", "--month", month], env=env, capture_output=True, text=True, timeout=1200
        )
        assert outputs[month].returncode == 0, outputs[month].stdout[-4000:] + outputs[month].stderr[-4000:]
    return PipelineRun(root=root, env=env, outputs=outputs)


def bulletin(run: PipelineRun, month: str) -> dict:
    return json.loads((run.output / month / "bulletin.json").read_text(encoding="utf-8"))


def exact_totals(run: PipelineRun) -> dict[tuple[str, str], Decimal]:
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        rows = con.execute(
            "select month, unit_code, total_exact from marts.fct_unit_scores where is_ranked"
        ).fetchall()
    return {(month, code): Decimal(str(total)) for month, code, total in rows}


def test_year_to_date_matches_a_recomputation(run: PipelineRun):
    totals = exact_totals(run)
    january, february = bulletin(run, "2021-01"), bulletin(run, "2021-02")
    assert january["year_to_date"]["months"] == ["2021-01"]
    assert february["year_to_date"]["months"] == ["2021-01", "2021-02"]
    groups = {u["unit_code"]: u["group"] for m in (january, february) for u in m["unit_scores"]}
    names = {u["unit_code"]: u["unit_name"] for m in (january, february) for u in m["unit_scores"]}
    ranked_months: dict[str, list[Decimal]] = {}
    for (_, code), total in sorted(totals.items()):
        ranked_months.setdefault(code, []).append(total)
    for group, entries in february["year_to_date"]["rankings"].items():
        expected = []
        for code, values in ranked_months.items():
            if groups[code] != group:
                continue
            score = (sum(values) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            expected.append((code, len(values), score))
        expected.sort(key=lambda e: (-e[2], -e[1], e[0]))
        ranks = [1 + sum(1 for other in expected if other[2] > e[2]) for e in expected]
        assert [
            (e["unit_code"], e["unit_name"], e["months_ranked"], e["score"], e["rank"]) for e in entries
        ] == [
            (code, names[code], months, float(score), rank)
            for (code, months, score), rank in zip(expected, ranks, strict=True)
        ], group
    # the demo months rank most units twice; some once (ranked in one month of two)
    months_ranked = [e["months_ranked"] for g in february["year_to_date"]["rankings"].values() for e in g]
    assert 2 in months_ranked


def test_to_full_matches_the_counts_of_the_bulletin(run: PipelineRun):
    for month in MONTHS:
        figures = bulletin(run, month)
        expected = []
        for unit in figures["unit_scores"]:
            counts, lost = (
                unit["counts"],
                {e["item"] for e in figures["explanations"] if e["unit_code"] == unit["unit_code"]},
            )
            parts = [
                ("及时签收率", None, counts["sign_total"], counts["sign_total"] - counts["sign_late"]),
                ("按时办结率", None, counts["due_total"], counts["due_total"] - counts["late_total"]),
                (
                    "回访满意率",
                    "市派",
                    counts["city_rated"],
                    counts["city_rated"] - counts["city_unsatisfied"],
                ),
                (
                    "回访满意率",
                    "省派",
                    counts["province_rated"],
                    counts["province_rated"] - counts["province_unsatisfied"],
                ),
                (
                    "首次回应率",
                    None,
                    counts["first_response_total"],
                    counts["first_response_total"] - counts["first_response_failed"],
                ),
            ]
            for item, part, n, good in parts:
                target = SATISFACTION_TARGETS[part] if part else RATE_TARGETS[item]
                if item in lost and n and good * 100 < target * n:
                    to_full = (target * n / 100 - good).to_integral_value(rounding=ROUND_CEILING)
                    expected.append((unit["unit_code"], item, part, n, good, max(0, int(to_full))))
        # bulletin.md: "by unit_code then item" (the item's name as text), 市派 before 省派
        expected.sort(key=lambda r: (r[0], r[1], r[2] or ""))
        got = [
            (r["unit_code"], r["item"], r["part"], r["denominator"], r["good"], r["to_full"])
            for r in figures["recovery"]
        ]
        assert got == expected, month
        assert expected, "the demo month has units that lost points on rate items"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links += [value for name, value in attrs if name == "href" and value]


def test_every_ranked_unit_has_both_files_and_the_index_links_them(run: PipelineRun):
    for month in MONTHS:
        figures = bulletin(run, month)
        ranked = sorted(u["unit_code"] for u in figures["unit_scores"])
        units = run.output / month / "units"
        assert sorted(p.name for p in units.iterdir()) == sorted(
            [f"{c}.html" for c in ranked] + [f"{c}.docx" for c in ranked] + ["index.html"]
        )
        parser = _Links()
        parser.feed((units / "index.html").read_text(encoding="utf-8"))
        assert sorted(parser.links) == sorted([f"{c}.html" for c in ranked] + [f"{c}.docx" for c in ranked])
        with zipfile.ZipFile(units / f"{ranked[0]}.docx") as docx:
            assert "word/media/image1.png" in docx.namelist()  # the monthly totals chart


def _card_texts(run: PipelineRun) -> dict[Path, str]:
    texts = {}
    for path in sorted(run.output.glob("*/units/*")):
        if path.suffix == ".html":
            texts[path] = path.read_text(encoding="utf-8")
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as docx:
                texts[path] = "".join(
                    docx.read(name).decode("utf-8") for name in docx.namelist() if name.endswith(".xml")
                )
    return texts


def test_report_cards_hold_no_phone_number_and_no_content(run: PipelineRun):
    phones: set[str] = set()
    contents: set[str] = set()
    for month in MONTHS:
        orders = read_orders(run.landing, month)
        phones |= {str(p) for p in orders["caller_phone"].dropna()}
        contents |= {str(c) for c in orders["content"].dropna() if len(str(c)) >= 8}
    assert len(phones) > 100 and len(contents) > 100
    texts = _card_texts(run)
    assert len(texts) > 50
    digit_runs = re.compile(r"\d{11}")
    for path, text in texts.items():
        assert not (set(digit_runs.findall(text)) & phones), path
        assert not any(content in text for content in contents), path


def test_a_card_shows_what_the_unit_lost_and_why(run: PipelineRun):
    figures = bulletin(run, "2021-02")
    explanation = next(e for e in figures["explanations"] if e["item"] == "按时办结率" and e["evidence_ids"])
    code = explanation["unit_code"]
    unit = next(u for u in figures["unit_scores"] if u["unit_code"] == code)
    page = (run.output / "2021-02" / "units" / f"{code}.html").read_text(encoding="utf-8")
    assert unit["unit_name"] in page and f"{unit['rank']} / " in page
    assert explanation["reason"] in page
    for order_id in explanation["evidence_ids"]:
        assert order_id in page
    recovery = next(r for r in figures["recovery"] if r["unit_code"] == code and r["item"] == "按时办结率")
    assert f"需再有 {recovery['to_full']}件达标方可得满分" in page
    assert '<img src="data:image/png;base64,' in page and "http://" not in page and "https://" not in page


def test_the_bulletin_shows_the_year_to_date(run: PipelineRun):
    text = (run.output / "2021-02" / "bulletin.md").read_text(encoding="utf-8")
    assert "年度累计情况：2021年 1—2月累计得分" in text
    assert "| 单位 | 考评月数 | 累计得分 | 排名 | 单位 | 考评月数 | 累计得分 | 排名 |" in text
    charts = run.output / "2021-02" / "charts"
    figures = bulletin(run, "2021-02")
    for index in range(1, len(figures["year_to_date"]["rankings"]) + 1):
        assert (charts / f"year_to_date_{index}.png").stat().st_size > 1000
    page = (run.output / "2021-02" / "bulletin.html").read_text(encoding="utf-8")
    assert 'id="chart-year_to_date_1"' in page


def test_the_cards_asset_is_recorded_beside_the_bulletin(run: PipelineRun):
    with dg.DagsterInstance.from_config(str(run.dagster_home)) as instance:
        key = dg.AssetKey("unit_report_cards")
        assert set(instance.get_materialized_partitions(key)) == set(MONTHS)
        event = instance.get_latest_materialization_event(key)
        metadata = event.asset_materialization.metadata
        assert metadata["cards"].value == len(
            bulletin(run, event.asset_materialization.partition)["unit_scores"]
        )
        assert metadata["index"].value.endswith("units/index.html")
