-- 知识储备: accepted rows of every month.
with accepted_knowledge_tasks as (
    select *
    from {{ source('raw', 'knowledge_tasks') }} as raw_rows
    where load_errors is null
        and not exists (
            select 1
            from {{ source('raw', 'quarantine') }} as quarantined
            where quarantined.month = raw_rows.month
                and quarantined.input = 'knowledge_tasks'
                and quarantined.source_row = raw_rows.source_row
        )
)

select
    month,
    task_id,
    unit_code,
    due_at,
    submitted_at
from accepted_knowledge_tasks
