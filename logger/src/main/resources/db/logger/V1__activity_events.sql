-- Every activity event, as received. A redelivered event hits the unique key and changes nothing.

CREATE TABLE activity_events (
    id          bigserial PRIMARY KEY,
    image_id    text        NOT NULL,
    service     text        NOT NULL,
    event       text        NOT NULL,
    at          timestamptz NOT NULL,
    traceparent text        NOT NULL,
    detail      jsonb       NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT activity_events_once UNIQUE (image_id, service, event, at)
);

CREATE INDEX activity_events_by_image ON activity_events (image_id, at);
