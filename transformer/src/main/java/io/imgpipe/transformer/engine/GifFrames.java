package io.imgpipe.transformer.engine;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.imgpipe.contract.format.ImageFormat;
import org.w3c.dom.Node;

import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * An animated GIF's frames through ImageIO's GIF reader, which returns each frame as stored (its own rectangle,
 * palette and transparent index); the logical screen, offsets, delays, disposal methods and the NETSCAPE2.0 loop
 * count come from its metadata.
 */
final class GifFrames implements AnimationFrames {

    private static final String IMAGE_FORMAT = "javax_imageio_gif_image_1.0";
    private static final String STREAM_FORMAT = "javax_imageio_gif_stream_1.0";

    private final ImageReader reader;
    private final ImageInputStream stream;
    private final int width;
    private final int height;
    private final int count;
    private final int plays;
    private final long maxPixels;
    private final AnimationCanvas canvas;
    private int index;

    private GifFrames(ImageReader reader, ImageInputStream stream, int width, int height, int count, int plays,
                      long maxPixels) {
        this.reader = reader;
        this.stream = stream;
        this.width = width;
        this.height = height;
        this.count = count;
        this.plays = plays;
        this.maxPixels = maxPixels;
        this.canvas = new AnimationCanvas(width, height);
    }

    static GifFrames open(byte[] input, Codecs codecs, EngineLimits limits) throws ImageRejectedException {
        if (!GifStructure.isComplete(input)) {
            throw new ImageRejectedException("corrupt_image", "the gif animation is damaged: it ends before its"
                    + " trailer, so frames are missing");
        }
        ImageReader reader = codecs.reader(ImageFormat.GIF, input);
        ImageInputStream stream = new ByteArrayImageInputStream(input);
        boolean opened = false;
        try {
            reader.setInput(stream, false, false);
            int count = reader.getNumImages(true);
            Animations.requireFrameCount(count, limits);
            IIOMetadataNode screen = child(tree(reader.getStreamMetadata(), STREAM_FORMAT), "LogicalScreenDescriptor");
            IIOMetadataNode first = tree(reader.getImageMetadata(0), IMAGE_FORMAT);
            int[] rect = rectangle(first);
            // a screen smaller than the first frame (or none) is a writer's mistake; browsers size to the frame
            int width = Math.max(screen == null ? 0 : intAttr(screen, "logicalScreenWidth"), rect[0] + rect[2]);
            int height = Math.max(screen == null ? 0 : intAttr(screen, "logicalScreenHeight"), rect[1] + rect[3]);
            Animations.requirePixels(width, height, count, limits);
            GifFrames frames = new GifFrames(reader, stream, width, height, count, plays(first), limits.maxPixels());
            opened = true;
            return frames;
        } catch (IOException | RuntimeException e) {
            throw Animations.corrupt(ImageFormat.GIF, e);
        } finally {
            if (!opened) {
                close(reader, stream);
            }
        }
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int plays() {
        return plays;
    }

    @Override
    public Frame next() throws ImageRejectedException {
        try {
            IIOMetadataNode meta = tree(reader.getImageMetadata(index), IMAGE_FORMAT);
            int[] rect = rectangle(meta);
            if ((long) rect[2] * rect[3] > maxPixels) {
                throw new ImageRejectedException("image_too_large", "frame " + (index + 1) + " of the gif declares "
                        + rect[2] + "x" + rect[3] + " pixels, more than the limit of " + maxPixels);
            }
            BufferedImage frame = reader.read(index);
            IIOMetadataNode control = child(meta, "GraphicControlExtension");
            int delay = control == null ? 0 : intAttr(control, "delayTime") * 10;
            AnimationCanvas.Disposal disposal = control == null ? AnimationCanvas.Disposal.KEEP
                    : switch (control.getAttribute("disposalMethod")) {
                        case "restoreToBackgroundColor" -> AnimationCanvas.Disposal.CLEAR;
                        case "restoreToPrevious" -> AnimationCanvas.Disposal.RESTORE_PREVIOUS;
                        default -> AnimationCanvas.Disposal.KEEP;
                    };
            index++;
            return new Frame(canvas.compose(frame, rect[0], rect[1], true, disposal), delay);
        } catch (IOException | RuntimeException e) {
            throw Animations.corrupt(ImageFormat.GIF, e);
        }
    }

    /** NETSCAPE2.0 repeats the animation n more times (0: forever); without it a GIF plays once. */
    private static int plays(IIOMetadataNode first) {
        IIOMetadataNode apps = child(first, "ApplicationExtensions");
        if (apps == null) {
            return 1;
        }
        for (Node n = apps.getFirstChild(); n != null; n = n.getNextSibling()) {
            IIOMetadataNode app = (IIOMetadataNode) n;
            if ("NETSCAPE".equals(app.getAttribute("applicationID")) && app.getUserObject() instanceof byte[] b
                    && b.length >= 3 && b[0] == 1) {
                int repeats = (b[1] & 0xFF) | (b[2] & 0xFF) << 8;
                return repeats == 0 ? 0 : Math.min(repeats + 1, Animations.MAX_PLAYS);
            }
        }
        return 1;
    }

    /** x, y, width, height of a frame. */
    private static int[] rectangle(IIOMetadataNode image) {
        IIOMetadataNode d = child(image, "ImageDescriptor");
        if (d == null) {
            throw new IllegalStateException("a gif frame without an image descriptor");
        }
        return new int[] {intAttr(d, "imageLeftPosition"), intAttr(d, "imageTopPosition"),
                intAttr(d, "imageWidth"), intAttr(d, "imageHeight")};
    }

    private static IIOMetadataNode tree(IIOMetadata metadata, String format) {
        if (metadata == null) {
            return new IIOMetadataNode(format);
        }
        return (IIOMetadataNode) metadata.getAsTree(format);
    }

    private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return (IIOMetadataNode) n;
            }
        }
        return null;
    }

    private static int intAttr(IIOMetadataNode node, String name) {
        return Integer.parseInt(node.getAttribute(name));
    }

    @Override
    public void close() {
        close(reader, stream);
    }

    private static void close(ImageReader reader, ImageInputStream stream) {
        reader.dispose();
        try {
            stream.close();
        } catch (IOException e) {
            // an in-memory stream has nothing to release
        }
    }
}
