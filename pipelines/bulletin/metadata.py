"""What the `bulletin` asset shows in the Dagster UI: its files, the headline figures, the text."""

from __future__ import annotations

from typing import Any

import dagster as dg

from pipelines.bulletin.writer import BulletinFiles


def asset_metadata(written: BulletinFiles) -> dict[str, Any]:
    """Links to every file, the headline figures of the month and the bulletin as Markdown."""
    figures = written.bulletin
    intake, province = figures["intake"], figures["province"]
    links: dict[str, Any] = {"folder": dg.MetadataValue.path(str(written.directory))}
    for path in (
        written.json_path,
        written.markdown_path,
        written.docx_path,
        written.xlsx_path,
        written.html_path,
    ):
        if path is not None:
            links[path.name] = dg.MetadataValue.path(str(path))
    for path in written.chart_paths:
        links[f"charts/{path.name}"] = dg.MetadataValue.path(str(path))

    headline: dict[str, Any] = {
        "rulebook_version": str(figures["rulebook_version"]),
        "total_requests": intake["total"],
        "received_this_month": intake["received_this_month"],
        "carried_over": intake["carried_over"],
        "direct": intake["direct"],
        "dispatched": intake["dispatched"],
        "on_time_completion_rate": intake["on_time_completion_rate"],
        "timely_sign_rate": intake["timely_sign_rate"],
        "satisfaction_rate": intake["satisfaction_rate"],
        "province_orders": province["count"],
        "province_on_time_rate": province["on_time_rate"],
        "province_satisfaction_rate": province["satisfaction_rate"],
        "ranked_units": sum(len(ranking) for ranking in figures["rankings"].values()),
        "quarantined_rows": sum(figures["quarantined_rows"].values()),
    }
    for group in figures["rankings"]:
        ranking = figures["rankings"][group]
        if ranking:
            headline[f"first/{group}"] = f"{ranking[0]['unit_name']} {ranking[0]['score']}"
    if written.version is not None:
        headline["version"] = written.version.version
        headline["changed_figures"] = written.version.changed_figures
        if written.version.corrections_path is not None:
            links["corrections.json"] = dg.MetadataValue.path(str(written.version.corrections_path))
    text = written.markdown_path.read_text(encoding="utf-8") if written.markdown_path.exists() else ""
    # None is not a metadata value: a rate without a denominator is left out
    return {
        **links,
        **{k: v for k, v in headline.items() if v is not None},
        "preview": dg.MetadataValue.md(text),
    }
