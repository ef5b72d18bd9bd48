package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;

import javax.imageio.IIOImage;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * An animated GIF through ImageIO's GIF writer, which builds each frame's palette (and transparent index) itself.
 * Every frame covers the whole canvas and is cleared after it shows ({@code restoreToBackgroundColor}), so a
 * transparent pixel never lets the frame before show through; the delay goes in each frame's Graphic Control
 * Extension, the loop count in a NETSCAPE2.0 extension on the first.
 */
final class GifAnimationWriter implements AnimationWriter {

    private static final String IMAGE_FORMAT = "javax_imageio_gif_image_1.0";

    private final ImageWriter writer;
    private final ResultBuffer out;
    private final long maxBytes;
    private final int plays;
    private final boolean interlaced;
    private boolean first = true;

    /**
     * @param plays      how many times the animation plays, 0 for forever
     * @param interlaced {@code progressive=true}: the writer interlaces by default, the option says otherwise
     */
    GifAnimationWriter(Codecs codecs, int plays, boolean interlaced, long maxBytes) throws ImageRejectedException {
        this.interlaced = interlaced;
        this.writer = codecs.writer(ImageFormat.GIF).orElseThrow(() -> new ImageRejectedException(
                "unsupported_output", "no gif encoder is available"));
        this.out = new ResultBuffer(null, maxBytes);
        this.maxBytes = maxBytes;
        this.plays = plays;
        try {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
        } catch (IOException | RuntimeException e) {
            writer.dispose();
            throw failed(e);
        }
    }

    @Override
    public void add(BufferedImage picture, int delayMillis) throws ImageRejectedException {
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (param.canWriteProgressive()) {
                param.setProgressiveMode(interlaced ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            }
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(picture),
                    param);
            meta.mergeTree(IMAGE_FORMAT, frameTree(delayMillis));
            writer.writeToSequence(new IIOImage(picture, null, meta), param);
            first = false;
        } catch (IOException | RuntimeException e) {
            writer.dispose();
            throw failed(e);
        }
    }

    @Override
    public byte[] finish() throws ImageRejectedException {
        try {
            writer.endWriteSequence();
            out.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw failed(e);
        } finally {
            writer.dispose();
        }
    }

    private IIOMetadataNode frameTree(int delayMillis) {
        IIOMetadataNode root = new IIOMetadataNode(IMAGE_FORMAT);
        IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
        control.setAttribute("disposalMethod", "restoreToBackgroundColor");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("transparentColorIndex", "0");
        control.setAttribute("delayTime", Integer.toString(Math.min(Math.round(delayMillis / 10f), 0xFFFF)));
        root.appendChild(control);
        if (first && plays != 1) {
            IIOMetadataNode apps = new IIOMetadataNode("ApplicationExtensions");
            IIOMetadataNode netscape = new IIOMetadataNode("ApplicationExtension");
            netscape.setAttribute("applicationID", "NETSCAPE");
            netscape.setAttribute("authenticationCode", "2.0");
            int repeats = plays == 0 ? 0 : Math.min(plays - 1, 0xFFFF);
            netscape.setUserObject(new byte[] {1, (byte) repeats, (byte) (repeats >>> 8)});
            apps.appendChild(netscape);
            root.appendChild(apps);
        }
        return root;
    }

    private ImageRejectedException failed(Exception e) {
        if (e instanceof ResultBuffer.TooLarge || e.getCause() instanceof ResultBuffer.TooLarge) {
            return new ImageRejectedException("result_too_large", "the encoded gif animation is larger than the"
                    + " limit of " + maxBytes + " bytes");
        }
        if (e instanceof IIOInvalidTreeException) {
            return new ImageRejectedException("unsupported_output", "the gif encoder refused the frame metadata", e);
        }
        return new ImageRejectedException("unsupported_output", "the gif encoder failed", e);
    }
}
