package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.spi.ImageWriterSpi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The ImageIO plugin chosen for each format, looked up once. Readers and writers are not thread-safe, so each
 * transform gets fresh instances from the cached service providers, which is cheap (no registry walk).
 */
final class Codecs {

    private final Map<ImageFormat, ImageReaderSpi> readers = new EnumMap<>(ImageFormat.class);
    private final Map<ImageFormat, ImageWriterSpi> writers = new EnumMap<>(ImageFormat.class);
    /** The JDK's own JPEG decoder, when present: TwelveMonkeys wraps it but pre-scans the file first. */
    private final ImageReaderSpi plainJpegReader;

    Codecs() {
        // TwelveMonkeys registers through META-INF/services; scanning again picks them up when ImageIO was first
        // touched by a class loader that did not see them (a shaded jar launched oddly, a test runner).
        ImageIO.scanForPlugins();
        for (ImageFormat format : ImageFormat.values()) {
            for (Iterator<ImageReader> r = ImageIO.getImageReadersByFormatName(format.key()); r.hasNext(); ) {
                ImageReaderSpi spi = r.next().getOriginatingProvider();
                // TwelveMonkeys' pure-Java decoders are preferred: untrusted input never reaches native code
                // (the WebP writer's bundled libwebp also offers a reader)
                if (!readers.containsKey(format) || spi.getClass().getName().startsWith("com.twelvemonkeys.")) {
                    readers.put(format, spi);
                }
            }
            Iterator<ImageWriter> w = ImageIO.getImageWritersByFormatName(format.key());
            if (w.hasNext()) {
                writers.put(format, w.next().getOriginatingProvider());
            }
        }
        ImageReaderSpi jdk = null;
        for (Iterator<ImageReader> r = ImageIO.getImageReadersByFormatName("jpeg"); r.hasNext(); ) {
            ImageReaderSpi spi = r.next().getOriginatingProvider();
            if (spi.getClass().getName().startsWith("com.sun.imageio.")) {
                jdk = spi;
            }
        }
        plainJpegReader = jdk;
    }

    boolean canRead(ImageFormat format) {
        return readers.containsKey(format);
    }

    boolean canWrite(ImageFormat format) {
        return writers.containsKey(format);
    }

    /** A reader for the input; plain YCbCr and gray JPEGs get the JDK's decoder, other JPEGs TwelveMonkeys'. */
    ImageReader reader(ImageFormat format, byte[] input) {
        if (format == ImageFormat.JPEG && plainJpegReader != null && !JpegStructure.needsColourConversion(input)) {
            return instance(plainJpegReader::createReaderInstance);
        }
        return instance(() -> readers.get(format).createReaderInstance());
    }

    Optional<ImageWriter> writer(ImageFormat format) {
        ImageWriterSpi spi = writers.get(format);
        return spi == null ? Optional.empty() : Optional.of(instance(spi::createWriterInstance));
    }

    private interface Factory<T> {
        T create() throws IOException;
    }

    private static <T> T instance(Factory<T> factory) {
        try {
            return factory.create();
        } catch (IOException e) {
            throw new UncheckedIOException("an ImageIO plugin failed to instantiate", e);
        }
    }
}
