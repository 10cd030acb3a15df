-- docs/attribution.md#agent-performance: the agents' shares of a workspace's helpdesk revenue add up to 1
-- wherever the workspace has helpdesk revenue (and are all null where it has none)
with

agent_performance as (
    select * from {{ ref('agent_performance') }}
),

shares_per_workspace as (
    select
        workspace_id,
        max(workspace_helpdesk_gross_revenue) as workspace_helpdesk_gross_revenue,
        sum(helpdesk_revenue_share) as share_total,
        count(helpdesk_revenue_share) as agents_with_share
    from agent_performance
    group by workspace_id
),

failures as (
    select * from shares_per_workspace
    where
        (workspace_helpdesk_gross_revenue > 0 and abs(share_total - 1) > 0.000001)
        or (workspace_helpdesk_gross_revenue = 0 and agents_with_share > 0)
)

select * from failures
