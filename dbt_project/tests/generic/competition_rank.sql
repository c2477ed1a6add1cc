{#- The column is a competition rank ("1224" style) of `score` (highest first) within the partition:
    for every ranked row (one per `row_key`), rank = 1 + the number of ranked rows of the partition with a strictly higher
    score; rows not matching `ranked_condition` have no rank. Returns the offending rows. -#}
{% test competition_rank(model, column_name, score, partition_by=['month'], ranked_condition='is_ranked',
                        row_key='unit_code') %}

with ranked_rows as (
    select *
    from {{ model }}
    where {{ ranked_condition }}
),

expected as (
    select
        {% for key in partition_by %}this_row.{{ key }}, {% endfor %}
        this_row.{{ column_name }} as actual_rank,
        this_row.{{ score }} as score,
        1 + cast(count(higher.{{ score }}) as bigint) as expected_rank
    from ranked_rows as this_row
    left join ranked_rows as higher
        on {% for key in partition_by %}higher.{{ key }} = this_row.{{ key }} and {% endfor %}higher.{{ score }} > this_row.{{ score }}
    group by {% for key in partition_by %}this_row.{{ key }}, {% endfor %}this_row.{{ column_name }}, this_row.{{ score }},
        this_row.{{ row_key }}
)

select {% for key in partition_by %}{{ key }}, {% endfor %}actual_rank, score, expected_rank
from expected
where actual_rank is null or actual_rank <> expected_rank

union all

select {% for key in partition_by %}{{ key }}, {% endfor %}{{ column_name }} as actual_rank, {{ score }} as score,
    cast(null as bigint) as expected_rank
from {{ model }}
where not ({{ ranked_condition }}) and {{ column_name }} is not null

{% endtest %}
