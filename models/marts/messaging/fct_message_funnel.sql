{{ config(merge_clauses=tombstone_merge_clauses('sent_at')) }}
-- the funnel rows of this run, in the contract's columns, merged by message (a tombstone deletes)
select
    {{ model.columns.keys() | join(',\n    ') }}
from {{ ref('int_message_funnel_this_run') }}
