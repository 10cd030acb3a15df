{{ config(merge_clauses=tombstone_merge_clauses('created_at')) }}
-- the attribution rows of this run, in the contract's columns, merged by order (a tombstone deletes)
select
    {{ model.columns.keys() | join(',\n    ') }}
from {{ ref('int_order_attribution_this_run') }}
