package io.imgpipe.gateway.auth;

/**
 * Who is asking. With keys off every caller is {@link #OPEN}: no owner, sees everything, as before owners existed.
 *
 * @param owner    the owner whose key was presented; null when keys are off
 * @param operator may read {@code /metrics}
 */
public record Caller(String owner, boolean operator) {

    public static final Caller OPEN = new Caller(null, true);

    /** True when this caller may see an image that belongs to {@code imageOwner} (null: unknown or ownerless). */
    public boolean sees(String imageOwner) {
        return owner == null || owner.equals(imageOwner);
    }

    public boolean restricted() {
        return owner != null;
    }
}
