"""Published versions and corrections (bulletin.md, Corrections) on the hand-made month: version 1
with A01 pending, version 2 once it is upheld (exact changed paths), an identical run makes none."""

from __future__ import annotations

import json

import dagster as dg
import pytest

from pipelines.alerts.model import AlertKind
from tests.appeals.conftest import TwoVersions
from tests.appeals.small_month import MONTH

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::Warning")]

RANKING = "rankings.市级部门及单位"
C1 = "市住建局"
YTD = "year_to_date.rankings.市级部门及单位"
#: A01 (C1 市住建局, 及时签收率) upheld: version 1 → 2, every figure that moves (small_month.py).
#: C1 56.5 → 66.5 (及时签收率 80 % → 100 %, 0 → 10 points); ranks C2 1, C3 2 → 3, C4 3 → 4, C1 4 → 2;
#: the three lowest timely-sign rates stay C1, C2, C3 (C1 now 100 %, before C4 by unit_code); the
#: three lowest scores of the group stay C1, C3, C4 (section 一.3); the year to date (one month run)
#: follows the month; C1 has no timely-sign points to recover; the appeal counts move by one.
EXPECTED_CHANGES = [
    (f"{RANKING}[市城管局].rank", 2, 3),
    (f"{RANKING}[市交通局].rank", 3, 4),
    (f"{RANKING}[{C1}].score", 56.5, 66.5),
    (f"{RANKING}[{C1}].rank", 4, 2),
    (f"unit_scores[{C1}].items.及时签收率", 0, 10),
    (f"unit_scores[{C1}].total", 56.5, 66.5),
    (f"unit_scores[{C1}].rates.timely_sign", 80, 100),
    (f"unit_scores[{C1}].rank", 4, 2),
    (f"unit_scores[{C1}].counts.sign_late", 1, 0),
    ("unit_scores[市城管局].rank", 2, 3),
    ("unit_scores[市交通局].rank", 3, 4),
    (f"quality.lowest_timely_sign[{C1}].rate", 80, 100),
    (f"explanations[{C1}/及时签收率]", "dict", None),
    (f"{YTD}[市城管局].rank", 2, 3),
    (f"{YTD}[市城管局].monthly[{MONTH}].rank", 2, 3),
    (f"{YTD}[市交通局].rank", 3, 4),
    (f"{YTD}[市交通局].monthly[{MONTH}].rank", 3, 4),
    (f"{YTD}[{C1}].score", 56.5, 66.5),
    (f"{YTD}[{C1}].rank", 4, 2),
    (f"{YTD}[{C1}].monthly[{MONTH}].score", 56.5, 66.5),
    (f"{YTD}[{C1}].monthly[{MONTH}].rank", 4, 2),
    (f"recovery[{C1}/及时签收率]", "dict", None),
    ("appeals.upheld", 2, 3),
    ("appeals.pending", 2, 1),
    (f"appeals.by_unit[{C1}/及时签收率]", None, "dict"),
    (f"appeals.units[{C1}/及时签收率].upheld", 0, 1),
    (f"appeals.units[{C1}/及时签收率].pending", 1, 0),
    (f"groups.市级部门及单位.lowest_units[{C1}].score", 56.5, 66.5),
]


def _changes(two_versions: TwoVersions) -> list[dict]:
    return json.loads((two_versions.month_dir / "corrections.json").read_text(encoding="utf-8"))["changes"]


def test_the_earlier_version_is_kept_when_the_figures_change(two_versions: TwoVersions):
    versions = two_versions.month_dir / "versions"
    assert sorted(p.name for p in versions.iterdir()) == ["1"]  # version 2 is the top folder
    first = json.loads((versions / "1" / "bulletin.json").read_text(encoding="utf-8"))
    assert first == two_versions.first_bulletin != two_versions.bulletin
    for name in ("bulletin.md", "bulletin.docx", "bulletin.xlsx", "bulletin.html"):
        assert (versions / "1" / name).is_file(), name
    assert sorted(p.name for p in (versions / "1" / "charts").iterdir())


def test_corrections_list_exactly_the_changed_figures(two_versions: TwoVersions):
    data = json.loads((two_versions.month_dir / "corrections.json").read_text(encoding="utf-8"))
    assert (data["month"], data["version"], data["previous"]) == (MONTH, 2, 1)
    assert data["history"] == [{k: data[k] for k in ("month", "version", "previous", "changes")}]
    shown = [
        (c["path"], *("dict" if isinstance(v, dict) else v for v in (c["previous"], c["current"])))
        for c in data["changes"]
    ]
    assert shown == EXPECTED_CHANGES
    explanation = data["changes"][EXPECTED_CHANGES.index((f"explanations[{C1}/及时签收率]", "dict", None))]
    assert explanation["previous"]["reason"] == "5件工单中1件超时签收，导致及时签收率得分为0分"
    assert explanation["previous"]["evidence_ids"] == ["C1-O1"]


def test_corrections_md_names_the_changed_scores_and_ranks(two_versions: TwoVersions):
    text = (two_versions.month_dir / "corrections.md").read_text(encoding="utf-8")
    assert text.startswith("# 关于2021年3月份市12345在线平台绩效考评情况通报的更正说明")
    assert "市住建局（市级部门及单位）得分由56.5分更正为66.5分，排名由第4名更正为第2名。" in text
    assert "市城管局（市级部门及单位）排名由第2名更正为第3名。" in text
    assert "市交通局（市级部门及单位）排名由第3名更正为第4名。" in text
    assert "市公安局" not in text


def test_bulletin_asset_shows_the_version_and_the_changed_figures(two_versions: TwoVersions):
    instance = dg.DagsterInstance.from_config(str(two_versions.settings.dagster_home))
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("bulletin"), asset_partitions=[MONTH]), limit=2
    ).records
    latest, earlier = (r.asset_materialization.metadata for r in records)
    assert (latest["version"].value, latest["changed_figures"].value) == (2, len(_changes(two_versions)))
    assert (earlier["version"].value, earlier["changed_figures"].value) == (1, 0)


def test_a_changed_published_month_alerts_once(two_versions: TwoVersions):
    log = two_versions.settings.output_dir / "alerts.jsonl"
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    corrected = [r for r in records if r.get("kind") == AlertKind.FIGURES_CORRECTED]
    assert {r["dedup_key"] for r in corrected} == {f"figures_corrected|{MONTH}|v2"}
    first = corrected[0]
    assert first["details"]["version"] == 2 and first["details"]["previous_version"] == 1
    assert first["details"]["changed_figures"] == len(_changes(two_versions))


def test_an_identical_run_makes_no_new_version(two_versions: TwoVersions):
    from pipelines.bulletin.assets import bulletin
    from pipelines.resources import build_resources

    corrections = (two_versions.month_dir / "corrections.json").read_bytes()
    log = two_versions.settings.output_dir / "alerts.jsonl"
    alerts = log.read_bytes()
    result = dg.materialize([bulletin], partition_key=MONTH, resources=build_resources(two_versions.settings))
    metadata = result.asset_materializations_for_node("bulletin")[0].metadata
    assert (metadata["version"].value, metadata["changed_figures"].value) == (2, 0)
    assert sorted(p.name for p in (two_versions.month_dir / "versions").iterdir()) == ["1"]
    assert (two_versions.month_dir / "corrections.json").read_bytes() == corrections
    assert log.read_bytes() == alerts
