"""The portability lint (pipelines/portability/lint.py, ../shared/spec/portable-sql.md).

The project's models, macros and tests are clean; a model breaking each rule is caught, on the
line that breaks it; the implementations of a dispatched macro may use one engine's SQL.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.portability.lint import lint_project, lint_text, main
from pipelines.settings import DBT_PROJECT_DIR

BAD_MODEL = """\
-- a model that breaks every rule of portable-sql.md, one per line
with orders as (select * from {{ ref('stg_orders') }})
select
    {{ dbt.datediff('dispatched_at', 'signed_at', 'minute') }} as sign_minutes,
    date_diff('hour', dispatched_at, completed_at) as hours,
    round(avg(sign_minutes), 2) as avg_minutes,
    round(cast(hours as double), 1) as hours_1,
    sum(completed_at <= due_at) as on_time,
    strftime(received_at, '%Y-%m') as month_text,
    unit_code rlike '^A' as is_a,
    "channel" as channel_name,
    string_agg(order_id, ',' order by order_id) as ids,
    cast(order_id as varchar) as id_text
from orders
"""

EXPECTED = [
    (4, "minute-hour-diff"),
    (5, "minute-hour-diff"),
    (6, "round-double"),
    (7, "round-double"),
    (8, "sum-boolean"),
    (9, "one-engine-function"),
    (10, "one-engine-function"),
    (11, "double-quoted-identifier"),
    (12, "ordered-string-agg"),
    (13, "varchar-without-length"),
]

PORTABLE_MODEL = """\
-- the same figures written portably: no finding
select
    {{ seconds_between('dispatched_at', 'signed_at') }} / 60 as sign_minutes,
    cast(round(cast(avg(x) as decimal(18,6)), 2) as decimal(18,2)) as avg_minutes,
    {{ round2('y') }} as y2,
    cast(sum(case when completed_at <= due_at then 1 else 0 end) as bigint) as on_time,
    sum(5 + case when status = '已办结' then 2 else 0 end) as cells,
    {{ count_where('completed_at <= due_at') }} as on_time_2,
    {{ adapter.quote('count') }} as quoted,
    'a "quoted" word, a // and round(x) in a string' as text,
    {{ sorted_string_agg('order_id', "','") }} as ids
from orders  -- "comments" may say round(x) or strftime()
"""


def test_the_project_is_portable():
    findings = lint_project(DBT_PROJECT_DIR)
    assert findings == [], "\n".join(str(f) for f in findings)


def test_a_model_breaking_each_rule_fails_on_its_lines():
    findings = lint_text(BAD_MODEL, Path("models/bad.sql"))
    assert [(f.line, f.rule) for f in findings] == EXPECTED
    assert findings[0].text == "{{ dbt.datediff('dispatched_at', 'signed_at', 'minute') }} as sign_minutes,"
    assert "seconds" in findings[0].message


def test_the_portable_spelling_passes():
    assert lint_text(PORTABLE_MODEL, Path("models/good.sql")) == []


def test_only_dispatch_implementations_may_use_one_engine_sql():
    macros = """\
{% macro month_text(ts) %}{{ return(adapter.dispatch('month_text', 'hotline_bulletin')(ts)) }}{% endmacro %}
{% macro default__month_text(ts) %}strftime({{ ts }}, '%Y-%m'){% endmacro %}
{% macro spark__month_text(ts) %}date_format({{ ts }}, 'yyyy-MM'){% endmacro %}
{% macro plain_month_text(ts) %}
    strftime({{ ts }}, '%Y-%m')
{% endmacro %}
"""
    findings = lint_text(macros, Path("macros/month_text.sql"))
    assert [(f.line, f.rule) for f in findings] == [(5, "one-engine-function")]


@pytest.fixture
def project_with_a_bad_model(tmp_path: Path) -> Path:
    project = tmp_path / "dbt_project"
    for folder in ("models", "macros", "tests"):
        shutil.copytree(DBT_PROJECT_DIR / folder, project / folder)
    (project / "models" / "marts" / "fct_bad.sql").write_text(BAD_MODEL, encoding="utf-8")
    return project


def test_the_lint_fails_the_project_when_one_model_breaks_a_rule(project_with_a_bad_model: Path, capsys):
    findings = lint_project(project_with_a_bad_model)
    assert {f.path for f in findings} == {Path("models/marts/fct_bad.sql")}
    assert len(findings) == len(EXPECTED)
    assert main([str(project_with_a_bad_model)]) == 1
    out = capsys.readouterr().out
    assert "models/marts/fct_bad.sql:8: [sum-boolean]" in out
    assert main([str(DBT_PROJECT_DIR)]) == 0
