package io.imgpipe.gateway.upload;

/** The bytes of one upload and the file name the client gave, if any. */
public record Upload(byte[] bytes, String filename) {
}
