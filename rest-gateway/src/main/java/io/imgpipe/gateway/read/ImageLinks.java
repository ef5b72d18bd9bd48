package io.imgpipe.gateway.read;

import io.imgpipe.contract.format.ImageFormat;

import java.util.LinkedHashMap;
import java.util.Map;

/** The links of an image, the same in every answer. */
public final class ImageLinks {

    private ImageLinks() {
    }

    public static String self(String id) {
        return "/image/" + id;
    }

    public static Map<String, String> of(String id) {
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", self(id));
        links.put("original", self(id) + "/original");
        links.put("meta", self(id) + "/meta");
        links.put("events", self(id) + "/events");
        return links;
    }

    /**
     * Stored results and originals never change, but they belong to someone and can be deleted: browsers may keep
     * them, shared caches may not. (A signed link is the way to let shared caches keep one, until it expires.)
     */
    public static final String IMMUTABLE = "private, max-age=31536000, immutable";

    /** A safe inline Content-Disposition: the name is built from the id and the format, never from user input. */
    public static String inline(String name, String format) {
        String extension = ImageFormat.fromKey(format)
                .map(ImageFormat::extension).orElse("bin");
        return "inline; filename=\"" + name + "." + extension + "\"";
    }

    /** For bytes the transformer could not read as an image: downloaded, never rendered. */
    public static String attachment(String name, String format) {
        return inline(name, format).replaceFirst("^inline", "attachment");
    }

    /** Results and originals never change once stored, so the id is a strong validator. */
    public static String etag(String id) {
        return "\"" + id + "\"";
    }

    public static String originalEtag(String id) {
        return "\"" + id + "-o\"";
    }
}
