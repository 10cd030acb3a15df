{#- The orders whose attribution new data can change (docs/attribution.md#identity-stitching, docs/attribution.md#order-attribution-rules), for an incremental
    run of fct_order_attribution: the keys of base rows loaded after `watermark`,
    expanded through what an order's attribution depends on. Emits CTEs ending in
    `affected_orders` (workspace_id, order_id). Every expansion over-approximates;
    an order recomputed without need gets the same row. Base tables hold every raw
    row, superseded and rejected versions too, so the e-mail, phone or contact a
    key had before a change is still there to expand from. -#}
{% macro order_attribution_affected_orders(watermark) -%}
    new_base_orders as (
        select
            workspace_id,
            order_id
        from {{ ref('base_raw__shop_orders') }}
        where _loaded_at > {{ watermark }}
    ),

    new_base_refunds as (
        select
            workspace_id,
            order_id
        from {{ ref('base_raw__order_refunds') }}
        where _loaded_at > {{ watermark }}
    ),

    new_contact_keys as (
        select distinct
            workspace_id,
            contact_id
        from {{ ref('base_raw__contacts') }}
        where _loaded_at > {{ watermark }}
    ),

    new_identity_links as (
        select
            workspace_id,
            contact_id,
            shop_customer_id
        from {{ ref('base_raw__identity_links') }}
        where _loaded_at > {{ watermark }}
    ),

    -- every version of a changed contact: the old e-mail and phone stitched too
    changed_contact_versions as (
        select
            base_contacts.workspace_id,
            base_contacts.contact_id,
            base_contacts.email_normalized,
            base_contacts.phone_e164
        from {{ ref('base_raw__contacts') }} as base_contacts
        inner join new_contact_keys
            on
                base_contacts.workspace_id = new_contact_keys.workspace_id
                and base_contacts.contact_id = new_contact_keys.contact_id
    ),

    -- docs/attribution.md#identity-stitching: a stitching change reaches every order of the customers on either side
    affected_customers as (
        select
            workspace_id,
            shop_customer_id
        from {{ ref('base_raw__shop_customers') }}
        where _loaded_at > {{ watermark }}
        union all
        select
            workspace_id,
            shop_customer_id
        from new_identity_links
        union all
        select
            base_links.workspace_id,
            base_links.shop_customer_id
        from {{ ref('base_raw__identity_links') }} as base_links
        inner join new_contact_keys
            on
                base_links.workspace_id = new_contact_keys.workspace_id
                and base_links.contact_id = new_contact_keys.contact_id
        union all
        select
            base_customers.workspace_id,
            base_customers.shop_customer_id
        from {{ ref('base_raw__shop_customers') }} as base_customers
        inner join changed_contact_versions
            on
                base_customers.workspace_id = changed_contact_versions.workspace_id
                and base_customers.email_normalized = changed_contact_versions.email_normalized
        union all
        select
            base_customers.workspace_id,
            base_customers.shop_customer_id
        from {{ ref('base_raw__shop_customers') }} as base_customers
        inner join changed_contact_versions
            on
                base_customers.workspace_id = changed_contact_versions.workspace_id
                and base_customers.phone_e164 = changed_contact_versions.phone_e164
    ),

    -- docs/attribution.md#last-touch: a touch counts only for orders at or after it, so a new, late or changed
    -- touch reaches its contact's orders from the touch's time on: every changed event
    -- version from its own time; a changed message from the earliest of its events (a
    -- message without events touches nothing)
    changed_touch_times as (
        select
            workspace_id,
            message_id,
            occurred_at as touched_from
        from {{ ref('base_raw__message_events') }}
        where _loaded_at > {{ watermark }}
        union all
        select
            base_events.workspace_id,
            base_events.message_id,
            base_events.occurred_at as touched_from
        from {{ ref('base_raw__message_events') }} as base_events
        inner join (
            select distinct
                workspace_id,
                message_id
            from {{ ref('base_raw__messages') }}
            where _loaded_at > {{ watermark }}
        ) as changed_messages
            on
                base_events.workspace_id = changed_messages.workspace_id
                and base_events.message_id = changed_messages.message_id
    ),

    changed_touch_starts as (
        select
            workspace_id,
            message_id,
            -- an event without a time (rejected) counts from the beginning
            min(coalesce(touched_from, cast('1900-01-01' as {{ dbt.type_timestamp() }}))) as touched_from
        from changed_touch_times
        group by
            workspace_id,
            message_id
    ),

    -- every version of the message: every contact it ever named
    touched_contacts as (
        select
            base_messages.workspace_id,
            base_messages.contact_id,
            min(changed_touch_starts.touched_from) as touched_from
        from {{ ref('base_raw__messages') }} as base_messages
        inner join changed_touch_starts
            on
                base_messages.workspace_id = changed_touch_starts.workspace_id
                and base_messages.message_id = changed_touch_starts.message_id
        group by
            base_messages.workspace_id,
            base_messages.contact_id
    ),

    -- small settings-like tables: a change recomputes the whole workspace
    affected_workspaces as (
        {%- for table_name in ['workspaces', 'attribution_settings', 'campaigns', 'flows', 'popups', 'agents'] %}
        select workspace_id from {{ ref('base_raw__' ~ table_name) }}
        where _loaded_at > {{ watermark }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ),

    new_shared_links as (
        select
            workspace_id,
            link_id
        from {{ ref('base_raw__shared_links') }}
        where _loaded_at > {{ watermark }}
    ),

    new_coupon_codes as (
        select distinct
            workspace_id,
            coupon_code
        from {{ ref('base_raw__coupons') }}
        where _loaded_at > {{ watermark }} and coupon_code is not null
    ),

    current_orders as (
        select
            workspace_id,
            order_id,
            shop_customer_id,
            email_normalized,
            phone_e164,
            shared_link_id,
            discount_codes
        from {{ ref('stg_raw__shop_orders') }}
    ),

    current_order_codes as (
        {{ normalized_order_codes('current_orders') }}
    ),

    affected_order_keys as (
        select
            workspace_id,
            order_id
        from new_base_orders
        union all
        select
            workspace_id,
            order_id
        from new_base_refunds
        union all
        select
            current_orders.workspace_id,
            current_orders.order_id
        from current_orders
        inner join affected_customers
            on
                current_orders.workspace_id = affected_customers.workspace_id
                and current_orders.shop_customer_id = affected_customers.shop_customer_id
        union all
        -- docs/attribution.md#identity-stitching: guest orders stitched through a changed contact's e-mail or
        -- phone (one
        -- equi-join each: an `or` in the join condition would pair every order of the workspace)
        {%- for identity in ['email_normalized', 'phone_e164'] %}
        select
            current_orders.workspace_id,
            current_orders.order_id
        from current_orders
        inner join changed_contact_versions
            on
                current_orders.workspace_id = changed_contact_versions.workspace_id
                and current_orders.{{ identity }} = changed_contact_versions.{{ identity }}
        where current_orders.shop_customer_id is null
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
        union all
        select
            order_contacts.workspace_id,
            order_contacts.order_id
        from {{ ref('int_orders_stitched_to_contacts') }} as order_contacts
        inner join touched_contacts
            on
                order_contacts.workspace_id = touched_contacts.workspace_id
                and order_contacts.contact_id = touched_contacts.contact_id
        where order_contacts.created_at >= touched_contacts.touched_from
        union all
        -- a changed contact: every order now stitched to it, whatever its age
        select
            order_contacts.workspace_id,
            order_contacts.order_id
        from {{ ref('int_orders_stitched_to_contacts') }} as order_contacts
        inner join new_contact_keys
            on
                order_contacts.workspace_id = new_contact_keys.workspace_id
                and order_contacts.contact_id = new_contact_keys.contact_id
        union all
        select
            current_orders.workspace_id,
            current_orders.order_id
        from current_orders
        inner join affected_workspaces
            on current_orders.workspace_id = affected_workspaces.workspace_id
        union all
        select
            current_orders.workspace_id,
            current_orders.order_id
        from current_orders
        inner join new_shared_links
            on
                current_orders.workspace_id = new_shared_links.workspace_id
                and current_orders.shared_link_id = new_shared_links.link_id
        union all
        -- orders holding a changed code, read as the coupon match reads them (an equi-join)
        select
            current_order_codes.workspace_id,
            current_order_codes.order_id
        from current_order_codes
        inner join new_coupon_codes
            on
                current_order_codes.workspace_id = new_coupon_codes.workspace_id
                and current_order_codes.coupon_code = new_coupon_codes.coupon_code
    ),

    affected_orders as (
        select distinct
            workspace_id,
            order_id
        from affected_order_keys
        where workspace_id is not null and order_id is not null
    )
{%- endmacro %}


{#- The base tables whose new rows can change an order's attribution. -#}
{% macro order_attribution_change_sources() -%}
    {{ return([
        'shop_orders', 'order_refunds', 'contacts', 'shop_customers', 'identity_links',
        'messages', 'message_events', 'shared_links', 'coupons',
        'workspaces', 'attribution_settings', 'campaigns', 'flows', 'popups', 'agents',
    ]) }}
{%- endmacro %}
