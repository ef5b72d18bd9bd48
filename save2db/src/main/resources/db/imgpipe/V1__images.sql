-- Originals, results and failures live in separate tables keyed by image id, so that each message of the
-- images exchange is one idempotent insert, whatever order they arrive in and however often.

CREATE TABLE originals (
    image_id     text PRIMARY KEY,
    format       text        NOT NULL,
    content_type text        NOT NULL,
    byte_size    integer     NOT NULL,
    bytes        bytea       NOT NULL,
    filename     text,
    options      text        NOT NULL,
    traceparent  text        NOT NULL,
    accepted_at  timestamptz NOT NULL,
    stored_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX originals_newest_first ON originals (accepted_at DESC, image_id DESC);

CREATE TABLE results (
    image_id       text PRIMARY KEY,
    format         text        NOT NULL,
    content_type   text        NOT NULL,
    byte_size      integer     NOT NULL,
    bytes          bytea       NOT NULL,
    width          integer     NOT NULL,
    height         integer     NOT NULL,
    source_width   integer     NOT NULL,
    source_height  integer     NOT NULL,
    started_at     timestamptz NOT NULL,
    transformed_at timestamptz NOT NULL,
    stored_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE failures (
    image_id   text PRIMARY KEY,
    reason     text        NOT NULL,
    message    text        NOT NULL,
    started_at timestamptz NOT NULL,
    failed_at  timestamptz NOT NULL,
    stored_at  timestamptz NOT NULL DEFAULT now()
);
