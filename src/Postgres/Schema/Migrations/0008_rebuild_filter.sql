-- A rebuild may replay only a category and/or a time range of the log (null = no limit).
alter table es_projections
    add column rebuild_category text,
    add column rebuild_from     timestamptz,
    add column rebuild_to       timestamptz;
