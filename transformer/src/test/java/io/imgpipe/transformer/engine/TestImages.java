package io.imgpipe.transformer.engine;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Fixture images: small files from src/test/resources/images, and images made in code. */
final class TestImages {

    private TestImages() {
    }

    static byte[] resource(String name) {
        try (InputStream in = TestImages.class.getResourceAsStream("/images/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalArgumentException("not decodable");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An opaque image in four flat quadrants: red top-left, green top-right, blue bottom-left, yellow bottom-right. */
    static BufferedImage quadrants(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, width / 2, height / 2);
        g.setColor(Color.GREEN);
        g.fillRect(width / 2, 0, width - width / 2, height / 2);
        g.setColor(Color.BLUE);
        g.fillRect(0, height / 2, width / 2, height - height / 2);
        g.setColor(Color.YELLOW);
        g.fillRect(width / 2, height / 2, width - width / 2, height - height / 2);
        g.dispose();
        return img;
    }

    static BufferedImage flat(int width, int height, int argb, int type) {
        BufferedImage img = new BufferedImage(width, height, type);
        Graphics2D g = img.createGraphics();
        g.setComposite(AlphaComposite.Src);
        g.setColor(new Color(argb, true));
        g.fillRect(0, 0, width, height);
        g.dispose();
        return img;
    }

    static byte[] jpeg(BufferedImage image, boolean progressive) {
        return write(image, "jpeg", param -> {
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.95f);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
        });
    }

    static byte[] write(BufferedImage image, String format) {
        return write(image, format, param -> { });
    }

    static byte[] write(BufferedImage image, String format, Consumer<ImageWriteParam> setup) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            setup.accept(param);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Inserts an APP1 Exif segment holding only an orientation tag right after the JPEG's SOI marker. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean littleEndian) {
        ByteBuffer tiff = ByteBuffer.allocate(26).order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        tiff.put((byte) (littleEndian ? 'I' : 'M')).put((byte) (littleEndian ? 'I' : 'M'));
        tiff.putShort((short) 42).putInt(8);            // header, IFD0 at offset 8
        tiff.putShort((short) 1);                       // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);                                 // no next IFD
        return withSegment(jpeg, 0xE1, concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1),
                tiff.array()));
    }

    /** Inserts an APP2 ICC_PROFILE segment (a profile small enough for one chunk) after the SOI marker. */
    static byte[] withIccProfile(byte[] jpeg, byte[] profile) {
        byte[] header = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);
        return withSegment(jpeg, 0xE2, concat(header, new byte[] {1, 1}, profile));
    }

    private static byte[] withSegment(byte[] jpeg, int marker, byte[] payload) {
        int length = payload.length + 2;
        byte[] segment = concat(new byte[] {(byte) 0xFF, (byte) marker, (byte) (length >> 8), (byte) length}, payload);
        byte[] out = new byte[jpeg.length + segment.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(segment, 0, out, 2, segment.length);
        System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Channel distance between two colours, the largest of R, G, B. */
    static int distance(int rgb1, int rgb2) {
        int dr = Math.abs((rgb1 >> 16 & 0xFF) - (rgb2 >> 16 & 0xFF));
        int dg = Math.abs((rgb1 >> 8 & 0xFF) - (rgb2 >> 8 & 0xFF));
        int db = Math.abs((rgb1 & 0xFF) - (rgb2 & 0xFF));
        return Math.max(dr, Math.max(dg, db));
    }

    /** The mean colour of an image, as 0xRRGGBB. */
    static int mean(BufferedImage img) {
        long r = 0;
        long g = 0;
        long b = 0;
        int n = img.getWidth() * img.getHeight();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y);
                r += c >> 16 & 0xFF;
                g += c >> 8 & 0xFF;
                b += c & 0xFF;
            }
        }
        return (int) (r / n) << 16 | (int) (g / n) << 8 | (int) (b / n);
    }
}
