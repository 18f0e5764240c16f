-- The shipping address, in plain text: the projection declares it needs plain values and scrubs it on erasure.
alter table es_rm_order_summaries add column shipping_address text;
