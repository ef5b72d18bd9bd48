-- Owners, API keys and deletion (issue 12).

-- The owner of the API key that uploaded the image; null for images uploaded with keys off.
ALTER TABLE originals ADD COLUMN owner text;
CREATE INDEX originals_by_owner_newest_first ON originals (owner, accepted_at DESC, image_id DESC);

-- Keys managed by the admin CLI (io.imgpipe.gateway.auth.KeysCli); gateways re-read it every few seconds.
-- Only the SHA-256 digest of a key is kept.
CREATE TABLE api_keys (
    id         bigserial PRIMARY KEY,
    owner      text        NOT NULL,
    digest     text        NOT NULL UNIQUE,
    operator   boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- A deleted image's id, so that a redelivered original or a late result cannot bring it back.
CREATE TABLE deleted_images (
    image_id   text PRIMARY KEY,
    owner      text,
    deleted_at timestamptz NOT NULL DEFAULT now()
);
