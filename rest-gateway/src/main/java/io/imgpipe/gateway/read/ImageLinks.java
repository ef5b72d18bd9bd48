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

    /** Stored results and originals never change. */
    public static final String IMMUTABLE = "public, max-age=31536000, immutable";

    /** A safe inline Content-Disposition: the name is built from the id and the format, never from user input. */
    public static String inline(String name, String format) {
        String extension = ImageFormat.fromKey(format)
                .map(ImageFormat::extension).orElse("bin");
        return "inline; filename=\"" + name + "." + extension + "\"";
    }

    /** Results and originals never change once stored, so the id is a strong validator. */
    public static String etag(String id) {
        return "\"" + id + "\"";
    }

    public static String originalEtag(String id) {
        return "\"" + id + "-o\"";
    }
}
