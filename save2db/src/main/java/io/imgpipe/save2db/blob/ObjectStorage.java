package io.imgpipe.save2db.blob;

import io.imgpipe.blob.BlobStore;
import io.imgpipe.contract.BlobRef;
import io.imgpipe.contract.InboundMessage;

import java.sql.SQLException;
import java.util.Collection;

/**
 * save2db's side of {@code IMGPIPE_BLOB_STORE=s3}: the bytes of what it stores go to the object store (a message that
 * carries them inline has them put there; a claim check is kept as it is), and PostgreSQL keeps the key.
 */
public final class ObjectStorage implements AutoCloseable {

    private final BlobStore store;
    private final BlobSweep sweep;

    public ObjectStorage(BlobStore store, BlobSweep sweep) {
        this.store = store;
        this.sweep = sweep;
    }

    /** Where this message's image bytes are in the store, putting them there first when they came inline. */
    public BlobRef place(InboundMessage m) {
        return m.blobRef().orElseGet(() -> store.put(m.body()));
    }

    /** After a delete: the objects of the deleted rows go when nothing else references them (see {@link BlobSweep}). */
    public void release(Collection<String> keys) throws SQLException {
        sweep.release(keys);
    }

    public BlobSweep sweep() {
        return sweep;
    }

    @Override
    public void close() {
        sweep.close();
        store.close();
    }
}
