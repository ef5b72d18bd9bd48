-- Object storage for bytes (issue 17). With IMGPIPE_BLOB_STORE=s3 an original or result keeps its metadata here and
-- its bytes in the object store under blob_key (sha256/ab/<hex digest>, content-addressed); bytes is then NULL. With
-- the default (postgres) nothing changes: bytes is set and blob_key NULL. Exactly one of the two is set.

ALTER TABLE originals ALTER COLUMN bytes DROP NOT NULL;
ALTER TABLE originals ADD COLUMN blob_key text;
ALTER TABLE originals ADD CONSTRAINT originals_bytes_or_blob CHECK ((bytes IS NULL) <> (blob_key IS NULL));
CREATE INDEX originals_by_blob_key ON originals (blob_key) WHERE blob_key IS NOT NULL;

ALTER TABLE results ALTER COLUMN bytes DROP NOT NULL;
ALTER TABLE results ADD COLUMN blob_key text;
ALTER TABLE results ADD CONSTRAINT results_bytes_or_blob CHECK ((bytes IS NULL) <> (blob_key IS NULL));
CREATE INDEX results_by_blob_key ON results (blob_key) WHERE blob_key IS NOT NULL;

-- The migration to the object store (io.imgpipe.save2db.blob.BlobMigration) walks the rows that still hold bytes in
-- image_id order; these make each batch an index range scan however many rows have moved already.
CREATE INDEX originals_still_bytea ON originals (image_id) WHERE blob_key IS NULL;
CREATE INDEX results_still_bytea ON results (image_id) WHERE blob_key IS NULL;
