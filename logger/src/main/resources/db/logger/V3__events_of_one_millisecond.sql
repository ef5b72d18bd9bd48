-- save2db stores an image's original and its result on two threads and announces each with a `save2db.stored`
-- event; when both fall in the same millisecond the old key (image, service, event, at) took the second for a
-- redelivery of the first and dropped it. The kind of what was stored is part of an event's identity too.
ALTER TABLE activity_events DROP CONSTRAINT activity_events_once;
CREATE UNIQUE INDEX activity_events_once
    ON activity_events (image_id, service, event, at, (coalesce(detail ->> 'kind', '')));
