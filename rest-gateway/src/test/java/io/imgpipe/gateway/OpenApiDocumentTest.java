package io.imgpipe.gateway;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code openapi.yaml} in step with the routes wired in {@link Gateway}: every registered path is documented
 * with its method, and every {@code $ref} points at something that exists. Structural checks on the text, so no YAML
 * parser is needed on the test classpath. Runs with the module directory as working directory.
 */
class OpenApiDocumentTest {

    private static final Path GATEWAY = Path.of("src/main/java/io/imgpipe/gateway/Gateway.java");
    private static final Path OPENAPI = Path.of("src/main/resources/openapi.yaml");
    private static final Pattern ROUTE = Pattern.compile("\\.(get|post|put|delete|patch)\\(\\s*\"([^\"]+)\"");

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    /** method → path of every route the gateway registers, in source order. */
    private static List<String[]> routes() throws IOException {
        Matcher m = ROUTE.matcher(read(GATEWAY));
        List<String[]> out = new ArrayList<>();
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2)});
        }
        return out;
    }

    /** The text of each entry of {@code paths:}, keyed by path. */
    private static Map<String, String> pathBlocks(String yaml) {
        Map<String, String> blocks = new LinkedHashMap<>();
        String[] lines = yaml.split("\n");
        boolean inPaths = false;
        String current = null;
        StringBuilder body = new StringBuilder();
        for (String line : lines) {
            if (!line.isEmpty() && !line.startsWith(" ") && !line.startsWith("#")) {
                if (current != null) {
                    blocks.put(current, body.toString());
                    current = null;
                }
                inPaths = line.equals("paths:");
                continue;
            }
            if (!inPaths) {
                continue;
            }
            Matcher key = Pattern.compile("^  (/\\S*):\\s*$").matcher(line);
            if (key.matches()) {
                if (current != null) {
                    blocks.put(current, body.toString());
                }
                current = key.group(1);
                body.setLength(0);
            } else if (current != null) {
                body.append(line).append('\n');
            }
        }
        if (current != null) {
            blocks.put(current, body.toString());
        }
        return blocks;
    }

    @Test
    void isAnOpenApi303Document() throws IOException {
        String yaml = read(OPENAPI);
        assertThat(yaml).startsWith("openapi: 3.0.3\n");
        assertThat(yaml).containsPattern("(?m)^info:$").containsPattern("(?m)^paths:$")
                .containsPattern("(?m)^components:$");
        assertThat(yaml).doesNotContain("\t");
    }

    @Test
    void gatewayRegistersRoutes() throws IOException {
        assertThat(routes()).as("routes found in Gateway.java").hasSizeGreaterThanOrEqualTo(10);
        assertThat(read(GATEWAY)).contains("addExactPath(\"/events\"");
    }

    @Test
    void everyRouteIsDocumentedWithItsMethod() throws IOException {
        String yaml = read(OPENAPI);
        Map<String, String> blocks = pathBlocks(yaml);
        for (String[] route : routes()) {
            String method = route[0];
            String path = route[1];
            assertThat(yaml).as("paths key for %s", path)
                    .containsPattern("(?m)^  " + Pattern.quote(path) + ":\\s*$");
            assertThat(blocks).as("paths entry for %s", path).containsKey(path);
            assertThat(blocks.get(path)).as("%s %s is documented", method, path)
                    .containsPattern("(?m)^    " + method + ":\\s*$");
        }
    }

    @Test
    void theEventStreamIsDocumented() throws IOException {
        Map<String, String> blocks = pathBlocks(read(OPENAPI));
        assertThat(blocks).containsKey("/events");
        assertThat(blocks.get("/events")).containsPattern("(?m)^    get:\\s*$").contains("text/event-stream")
                .contains("activity");
    }

    @Test
    void documentsNoPathTheGatewayDoesNotServe() throws IOException {
        List<String> served = new ArrayList<>(routes().stream().map(r -> r[1]).toList());
        served.add("/events");
        assertThat(pathBlocks(read(OPENAPI)).keySet()).allMatch(served::contains,
                "a path registered in Gateway.java");
    }

    @Test
    void everyReferenceResolves() throws IOException {
        String yaml = read(OPENAPI);
        Matcher ref = Pattern.compile("\\$ref: '#/components/(\\w+)/([\\w.-]+)'").matcher(yaml);
        int count = 0;
        while (ref.find()) {
            count++;
            String section = ref.group(1);
            String name = ref.group(2);
            int start = yaml.indexOf("\n  " + section + ":\n");
            assertThat(start).as("components section %s", section).isPositive();
            Matcher next = Pattern.compile("(?m)^  \\w+:$").matcher(yaml);
            int end = next.find(start + 2 + section.length() + 3) ? next.start() : yaml.length();
            assertThat(yaml.substring(start, end)).as("#/components/%s/%s", section, name)
                    .containsPattern("(?m)^    " + Pattern.quote(name) + ":\\s*$");
        }
        assertThat(count).isGreaterThan(20);
    }

    @Test
    void declaresTheReusableSchemas() throws IOException {
        String yaml = read(OPENAPI);
        for (String schema : List.of("Error", "Accepted", "ImageDescription", "Failed", "Event", "Page",
                "ActivityEvent")) {
            assertThat(yaml).as("schema %s", schema).containsPattern("(?m)^    " + schema + ":\\s*$");
        }
    }
}
