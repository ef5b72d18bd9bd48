package io.imgpipe.gateway;

import io.imgpipe.contract.options.OptionTable;
import io.imgpipe.contract.options.TransformOption;
import io.undertow.server.HttpHandler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keeps {@code openapi.yaml} in step with the routes {@link Gateway} registers (its {@link Route} table) and the
 * transform options of {@link OptionTable}: every route is documented with its method, {@code POST /image} lists
 * exactly the table's options, and every {@code $ref} points at something that exists. Structural checks on the
 * text, so no YAML parser is needed on the test classpath. Runs with the module directory as working directory.
 */
class OpenApiDocumentTest {

    private static final Path OPENAPI = Path.of("src/main/resources/openapi.yaml");

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    /** method → path of every route the gateway registers, in table order. */
    private static List<String[]> routes() {
        return Arrays.stream(Route.values()).map(r -> new String[] {r.method(), r.path()}).toList();
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
    void givenTheRouteTable_whenTheGatewayRoutesARequest_thenEveryRoutedEntryHasAHandler() {
        HttpHandler nothing = ex -> { };
        Map<Route, HttpHandler> handlers = new EnumMap<>(Route.class);
        Route.routed().forEach(r -> handlers.put(r, nothing));

        assertThat(Route.routing(handlers)).isNotNull();
        handlers.remove(Route.OPTIONS);
        assertThatThrownBy(() -> Route.routing(handlers)).hasMessageContaining("/options");
        assertThat(Route.routed()).doesNotContain(Route.EVENT_STREAM).hasSize(Route.values().length - 1);
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
        List<String> served = routes().stream().map(r -> r[1]).toList();
        assertThat(pathBlocks(read(OPENAPI)).keySet()).allMatch(served::contains,
                "a path in the gateway's Route table");
    }

    @Test
    void givenTheOptionTable_whenPostImageIsDocumented_thenItListsExactlyPresetVariantsAndEveryOption() throws IOException {
        String post = pathBlocks(read(OPENAPI)).get("/image");
        assertThat(post).as("/image is the upload, its only method").containsPattern("(?m)^    post:\\s*$");
        Matcher ref = Pattern.compile("- \\$ref: '#/components/parameters/([a-z_]+)'").matcher(post);
        List<String> documented = new ArrayList<>();
        while (ref.find()) {
            documented.add(ref.group(1));
        }
        List<String> expected = new ArrayList<>(List.of("preset", "variants"));
        expected.addAll(OptionTable.names());

        assertThat(documented).containsExactlyElementsOf(expected);
    }

    @Test
    void givenTheOptionTable_whenEachOptionParameterIsRead_thenItsTypeRangeAndDefaultMatch() throws IOException {
        String yaml = read(OPENAPI);
        for (TransformOption<?> option : OptionTable.ALL) {
            String block = parameterBlock(yaml, option.name());
            assertThat(block).as("%s is a query parameter", option.name()).contains("in: query");
            String type = switch (option.kind()) {
                case INTEGER -> "integer";
                case NUMBER -> "number";
                case BOOLEAN -> "boolean";
                case CHOICE, TEXT -> "string";
            };
            assertThat(block).as("%s type", option.name()).contains("type: " + type + "\n");
            if (option.minimum() != null) {
                assertThat(block).as("%s minimum", option.name())
                        .contains("minimum: " + option.describe().get("minimum") + "\n")
                        .contains("maximum: " + option.describe().get("maximum") + "\n");
            }
            if (!option.defaultIsAbsence()) {
                assertThat(block).as("%s default", option.name())
                        .containsPattern("default: '?" + option.jsonDefault() + "'?\n");
            }
            for (String value : option.values()) {
                assertThat(block).as("%s enum lists %s", option.name(), value)
                        .containsPattern("enum: \\[[^\\]]*(?<=[\\[ ])" + Pattern.quote(value) + "[,\\]]");
            }
        }
    }

    @Test
    void givenTheOptionTable_whenTheReadmeDocumentsPostImage_thenItsParameterTableNamesEveryOption() throws IOException {
        String readme = read(Path.of("../README.md"));
        int start = readme.indexOf("### `POST /image`");
        int end = readme.indexOf("\n### ", start + 1);
        assertThat(start).as("README section POST /image").isNotNegative();
        String section = readme.substring(start, end);

        for (String name : OptionTable.names()) {
            assertThat(section).as("README documents %s", name).containsPattern("(?m)^\\|[^|\\n]*`" + name + "`");
        }
    }

    /** The text of {@code components.parameters.NAME}. */
    private static String parameterBlock(String yaml, String name) {
        int start = yaml.indexOf("\n  parameters:\n");
        Matcher key = Pattern.compile("(?m)^    " + Pattern.quote(name) + ":\\s*$").matcher(yaml);
        assertThat(key.find(start)).as("components.parameters.%s", name).isTrue();
        Matcher next = Pattern.compile("(?m)^ {2,4}\\S").matcher(yaml);
        int end = next.find(key.end()) ? next.start() : yaml.length();
        return yaml.substring(key.end(), end);
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
