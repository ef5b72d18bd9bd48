package io.imgpipe.contract.options;

/** Which metadata a result keeps when metadata is kept. */
public enum Keep {
    /** With {@code strip=false}: EXIF (orientation reset after auto-orientation), XMP, IPTC and the ICC profile. */
    ALL,
    /** Only the EXIF Artist and Copyright fields, whatever {@code strip} says: credits without GPS or camera data. */
    COPYRIGHT
}
