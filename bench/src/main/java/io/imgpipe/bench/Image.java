package io.imgpipe.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** One benchmark input: a file's name and bytes, read once so no phase measures the disk. */
record Image(String name, byte[] bytes) {

    Image {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("image " + name + " is empty");
        }
    }

    static Image read(Path file) {
        try {
            return new Image(file.getFileName().toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read benchmark image " + file, e);
        }
    }

    /** The JPEGs of a corpus directory, sorted by name so every run sends them in the same order. */
    static List<Image> jpegsIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("corpus directory " + dir + " does not exist");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Image> images = files.filter(f -> {
                        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                        return Files.isRegularFile(f) && (n.endsWith(".jpg") || n.endsWith(".jpeg"));
                    })
                    .sorted(Comparator.comparing(f -> f.getFileName().toString()))
                    .map(Image::read)
                    .toList();
            if (images.isEmpty()) {
                throw new IllegalArgumentException("corpus directory " + dir + " holds no .jpg/.jpeg file");
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list corpus directory " + dir, e);
        }
    }

    /** The image with the fewest bytes: the light-load and ingest input, whose transform is short. */
    static Image smallest(List<Image> images) {
        return images.stream().min(Comparator.comparingInt(i -> i.bytes().length)).orElseThrow();
    }

    static boolean isJpeg(byte[] bytes) {
        return bytes != null && bytes.length > 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8;
    }
}
