-- The order summaries read model (objects prefixed es_rm_ like the framework's read models).
create table es_rm_order_summaries (
    order_id text   primary key,
    customer text   not null,
    status   text   not null,
    items    bigint not null,
    total    bigint not null,
    version  bigint not null
);
