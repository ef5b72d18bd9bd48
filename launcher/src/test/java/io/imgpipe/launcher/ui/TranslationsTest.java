package io.imgpipe.launcher.ui;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every text of the upload page exists in every language: the dictionaries have the same keys, and each key the
 * markup or the scripts name literally is in them (keys built at run time, like {@code status.<state>}, are checked
 * through their known values below).
 */
class TranslationsTest {

    private static final String ROOT = "/imgpipe-ui/";
    private static final List<String> SCRIPTS = List.of("app.js", "js/api.js", "js/cards.js", "js/clipboard.js",
            "js/dom.js", "js/format.js", "js/gallery.js", "js/i18n.js", "js/live.js", "js/options.js", "js/storage.js",
            "js/timeline.js", "js/uploads.js", "js/cluster.js");
    private static final Pattern HTML_KEY = Pattern.compile("data-i18n=\"([^\"]+)\"");
    private static final Pattern HTML_ATTR_KEYS = Pattern.compile("data-i18n-attr=\"([^\"]+)\"");
    private static final Pattern SCRIPT_KEY = Pattern.compile("\\bt\\('([A-Za-z0-9_.]+)'");
    private static final Pattern PLURAL_KEY = Pattern.compile("\\btn\\('([A-Za-z0-9_.]+)'");

    @Test
    void englishAndSpanishHaveTheSameKeys() {
        assertThat(dictionary("es").keySet()).containsExactlyInAnyOrderElementsOf(dictionary("en").keySet());
    }

    @Test
    void noTranslationIsEmptyOrLeftInEnglishByMistake() {
        Map<String, String> en = dictionary("en");
        Map<String, String> es = dictionary("es");
        es.forEach((key, text) -> assertThat(text).as(key).isNotBlank());
        long same = es.entrySet().stream().filter(e -> e.getValue().equals(en.get(e.getKey()))).count();
        // A few words are the same in both (Original, Avatar, auto, bytes); most must not be.
        assertThat(same).isLessThan(12);
    }

    @Test
    void everyKeyTheMarkupAndScriptsNameExists() {
        Set<String> used = new TreeSet<>();
        String html = resource("index.html");
        collect(HTML_KEY, html, used);
        Matcher attrs = HTML_ATTR_KEYS.matcher(html);
        while (attrs.find()) {
            for (String pair : attrs.group(1).split(";")) {
                used.add(pair.substring(pair.indexOf(':') + 1).trim());
            }
        }
        for (String script : SCRIPTS) {
            collect(SCRIPT_KEY, resource(script), used);
            Matcher plural = PLURAL_KEY.matcher(resource(script));
            while (plural.find()) {
                used.add(plural.group(1) + ".one");
                used.add(plural.group(1) + ".other");
            }
        }
        for (String state : List.of("waiting", "uploading", "queued", "processing", "done", "failed")) {
            used.add("status." + state);
        }
        for (String state : List.of("waiting", "uploading", "queued", "processing")) {
            used.add("card.waitingFor." + state);
        }
        for (String state : List.of("connecting", "live", "reconnecting", "offline", "unsupported")) {
            used.add("live." + state);
        }
        for (String filter : List.of("all", "done", "pending", "failed")) {
            used.add("gallery.empty." + filter);
        }
        for (String stage : List.of("upload", "original", "queue", "transform", "store", "total")) {
            used.add("timing." + stage);
        }
        // The error codes the gateway and the transformer send, each with the page's own label.
        for (String code : List.of("unsupported_format", "too_large", "bad_option", "unavailable", "overloaded",
                "not_found", "corrupt_image", "image_too_large", "decode_timeout", "timeout", "result_too_large",
                "too_many_frames",
                "unsupported_output", "poison", "internal_error", "network")) {
            used.add("error." + code);
        }
        assertThat(used).hasSizeGreaterThan(100);
        assertThat(dictionary("en").keySet()).containsAll(used);
    }

    private static void collect(Pattern pattern, String text, Set<String> into) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    private static Map<String, String> dictionary(String lang) {
        try {
            return new ObjectMapper().readValue(resource("i18n/" + lang + ".json"), new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = TranslationsTest.class.getResourceAsStream(ROOT + name)) {
            assertThat(in).as("classpath resource " + ROOT + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
