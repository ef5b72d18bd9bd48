-- Named variants of one image (issue 13). An image's primary variant stays where every result always was: in
-- results / failures, keyed by image id, so every image stored before this migration reads exactly as before (its
-- one variant is called "default"). The other variants of an upload, and the variants derived later from the kept
-- original, live beside it, keyed by (image, variant): each is one idempotent insert, in any order.

-- The variants an image has been asked for: at upload (all of them, the primary flagged) or by a later derivation.
-- Inserted if absent: the row that a derivation inserts is what makes it start exactly one job, however many
-- requests ask at once.
CREATE TABLE variants (
    image_id     text        NOT NULL,
    name         text        NOT NULL,
    options      text        NOT NULL,
    is_primary   boolean     NOT NULL DEFAULT false,
    derived      boolean     NOT NULL DEFAULT false,
    position     integer     NOT NULL DEFAULT 0, -- its place in the upload's variants= list
    requested_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (image_id, name)
);

CREATE TABLE variant_results (
    image_id       text        NOT NULL,
    variant        text        NOT NULL,
    options        text        NOT NULL,
    format         text        NOT NULL,
    content_type   text        NOT NULL,
    byte_size      integer     NOT NULL,
    bytes          bytea,
    -- the object store's key when the bytes live there (V5, issue 17's claim checks); exactly one of the two is set
    blob_key       text,
    width          integer     NOT NULL,
    height         integer     NOT NULL,
    started_at     timestamptz NOT NULL,
    transformed_at timestamptz NOT NULL,
    stored_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (image_id, variant),
    CONSTRAINT variant_results_bytes_or_blob CHECK ((bytes IS NULL) <> (blob_key IS NULL))
);

CREATE TABLE variant_failures (
    image_id   text        NOT NULL,
    variant    text        NOT NULL,
    options    text        NOT NULL,
    reason     text        NOT NULL,
    message    text        NOT NULL,
    started_at timestamptz NOT NULL,
    failed_at  timestamptz NOT NULL,
    stored_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (image_id, variant)
);
