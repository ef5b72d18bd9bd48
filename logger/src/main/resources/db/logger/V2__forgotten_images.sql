-- Images deleted (DELETE /image/{id} or retention): their events are removed and later ones are not kept.
CREATE TABLE forgotten_images (
    image_id     text PRIMARY KEY,
    forgotten_at timestamptz NOT NULL DEFAULT now()
);
