{#-
  Spark: the lake (HOTLINE_LAKE, pipelines/engines/lake.py) as the dbt sources `raw.<table>`.
  Run before every dbt command (on-run-start): each source is (re-)registered over its parquet
  folder, its schema read from the files and its monthly partitions discovered, so a month the
  pipeline just wrote is visible at once. The tables are external: dropping one leaves the files.
  DuckDB reads `raw.*` in the warehouse itself: nothing to do.
-#}

{#- Where the engine sees the lake: HOTLINE_LAKE_URI (a cluster's hdfs:// or s3a:// path), else HOTLINE_LAKE. -#}
{% macro lake_uri() -%}
    {{- env_var('HOTLINE_LAKE_URI', env_var('HOTLINE_LAKE', '../data/lake')) | trim | replace("'", "") -}}
{%- endmacro %}

{% macro register_lake_sources() -%}
    {{ return(adapter.dispatch('register_lake_sources', 'hotline_bulletin')()) }}
{%- endmacro %}

{% macro default__register_lake_sources() -%}
    select 1
{%- endmacro %}

{% macro spark__register_lake_sources() -%}
    {%- if execute -%}
        {%- set sources = graph.sources.values() | selectattr('source_name', 'equalto', 'raw') | list -%}
        {%- do run_query('create database if not exists ' ~ (sources | first).schema) -%}
        {%- for source in sources | sort(attribute='name') -%}
            {%- set relation = source.schema ~ '.' ~ source.name -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query('create table ' ~ relation ~ " using parquet location '" ~ lake_uri()
                             ~ '/raw/' ~ source.name ~ "'") -%}
            {%- if source.meta.get('lake_partitioned', true) -%}
                {%- do run_query('msck repair table ' ~ relation) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#-
  Write query results as parquet where the pipeline reads them back (pipelines/engines/readers.py):
  `queries` maps a name to a SELECT; each goes to `<directory>/<name>/` (replaced). Spark only.
-#}
{% macro unload_queries(queries, directory) -%}
    {%- for name, sql in queries.items() -%}
        {%- do run_query("insert overwrite directory '" ~ directory ~ '/' ~ name ~ "' using parquet " ~ sql) -%}
    {%- endfor -%}
{%- endmacro %}
