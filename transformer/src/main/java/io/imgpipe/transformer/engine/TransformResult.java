package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;

/** An encoded result and the facts about it and its source. */
public record TransformResult(byte[] bytes, ImageFormat format, int width, int height,
                              ImageFormat sourceFormat, int sourceWidth, int sourceHeight) {
}
