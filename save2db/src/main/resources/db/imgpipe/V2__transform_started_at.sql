-- The gateway's read model, stated here rather than implied by its queries. It reads save2db's own tables
-- (originals, results, failures) and, for an image still in progress, when a transformer started on it. save2db
-- is not told of starts (only of outcomes), so that moment comes from the activity events the logger keeps, if a
-- logger has migrated this database: plpgsql resolves the table when the function runs, not when it is created,
-- so a database without the logger answers NULL ("queued") instead of failing the read.

CREATE FUNCTION transform_started_at(image text) RETURNS timestamptz
    LANGUAGE plpgsql STABLE AS
$$
DECLARE
    started timestamptz;
BEGIN
    IF to_regclass('activity_events') IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE 'SELECT min(at) FROM activity_events WHERE image_id = $1 AND service = ''transformer'''
            || ' AND event = ''started'''
        INTO started USING image;
    RETURN started;
END
$$;
