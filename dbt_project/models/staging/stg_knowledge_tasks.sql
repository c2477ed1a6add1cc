-- 知识储备: accepted rows of every month.
with accepted_knowledge_tasks as (
    select *
    from {{ source('raw', 'knowledge_tasks') }}
    where load_errors is null
)

select
    month,
    task_id,
    unit_code,
    due_at,
    submitted_at
from accepted_knowledge_tasks
