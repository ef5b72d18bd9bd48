package io.imgpipe.contract.options;

/** How a resize fits the requested width × height. */
public enum Fit {
    /** Fit inside the box, keep the aspect ratio; may enlarge. */
    CONTAIN,
    /** Fill the box, keep the aspect ratio, crop the overflow at the gravity. */
    COVER,
    /** Stretch to exactly the box. */
    FILL,
    /** Like contain, but never enlarge. */
    INSIDE
}
