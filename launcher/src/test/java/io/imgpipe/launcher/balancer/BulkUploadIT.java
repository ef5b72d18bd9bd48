package io.imgpipe.launcher.balancer;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.launcher.Http;
import io.imgpipe.launcher.TestPipeline;
import io.imgpipe.testsupport.Await;
import io.imgpipe.testsupport.Build;
import io.imgpipe.testsupport.ChildProcesses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/bulk-upload} against the running pipeline: a folder tree of images (and one file that only claims to
 * be one) is uploaded, resized to PNG, recorded in the manifest, and a second run with the same manifest resumes
 * without uploading anything again; with {@code --variants} every upload gets each named preset.
 */
class BulkUploadIT {

    /** A non-ASCII name when this JVM can write one (it cannot under a POSIX locale). */
    private static final String SUMMER = Charset.forName(System.getProperty("sun.jnu.encoding",
            "UTF-8")).newEncoder().canEncode("\u00e9") ? "\u00e9t\u00e9" : "ete";
    /** Relative path in the tree → test resource it is a copy of; subfolders, mixed-case extensions, odd names. */
    private static final Map<String, String> GOOD = new TreeMap<>(Map.of(
            "autumn.jpg", "/images/autumn-400x250.jpg",
            "holiday/Autumn Copy.JPG", "/images/autumn-400x250.jpg",
            "holiday/day 2/" + SUMMER + " (1).Jpeg", "/images/autumn-400x250.jpg",
            "shapes/cylinder.png", "/images/cylinder-320x200-rgba16.png",
            "shapes/CYLINDER-2.PNG", "/images/cylinder-320x200-rgba16.png",
            "shapes/deep/more/cylinder+alpha.Png", "/images/cylinder-320x200-rgba16.png"));
    private static final String NOT_AN_IMAGE = "holiday/notes.jpg";

    @TempDir
    static Path tree;
    private static Http http;
    private static URI base;
    private static Path script;

    @BeforeAll
    static void startPipelineAndWriteTheTree() throws IOException {
        base = TestPipeline.shared().baseUrl();
        http = new Http(base);
        script = Build.root().resolve("bin/bulk-upload");
        assertThat(script).as("bin/bulk-upload, from the launcher module").isRegularFile();
        for (Map.Entry<String, String> e : GOOD.entrySet()) {
            Path file = tree.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, resource(e.getValue()));
        }
        Files.writeString(tree.resolve(NOT_AN_IMAGE), "these are holiday notes, not a JPEG\n");
        Files.writeString(tree.resolve("holiday/readme.txt"), "not an image extension: never considered\n");
    }

    @Test
    void givenATreeWithOneBadFile_whenBulkUploaded_thenEveryImageIsDoneAsPngAndASecondRunResumesWithoutUploading()
            throws Exception {
        Path manifest = Build.workDir("balancer-it", "bulk-upload").resolve("manifest-" + UUID.randomUUID() + ".tsv");

        Run first = bulkUpload(tree, manifest, "--width=64", "--format=png");

        assertThat(first.exitCode()).as("exit status (the bad file failed); stderr:\n%s", first.stderr()).isEqualTo(1);
        assertThat(first.stdout()).contains("uploaded=6 skipped=0 failed=1");
        assertThat(first.stderr()).contains("failed: " + tree.toRealPath().resolve(NOT_AN_IMAGE), "HTTP 415");
        List<String[]> lines = manifestLines(manifest);
        assertThat(lines).extracting(l -> l[0]).containsExactlyInAnyOrderElementsOf(
                GOOD.keySet().stream().map(p -> realPath(p).toString()).toList());
        for (String[] line : lines) {
            String id = line[1];
            assertThat(id).matches("[0-9a-f]{32}");
            assertThat(line[2]).isEqualTo("queued");
            assertThat(line[3]).isEqualTo(base.resolve("/image/" + id).toString());

            HttpResponse<byte[]> result = http.get("image/" + id + "?wait=60");
            assertThat(result.statusCode()).as("result of %s", line[0]).isEqualTo(200);
            assertThat(result.headers().firstValue("Content-Type")).hasValue("image/png");
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(result.body()));
            assertThat(image.getWidth()).as("width of %s", line[0]).isEqualTo(64);
            // the file name and the bytes are the original's, which save2db may store after the result
            JsonNode meta = Await.until(Duration.ofSeconds(20), () -> Http.json(http.get("image/" + id + "/meta")),
                    m -> !m.path("filename").asText("").isEmpty());
            assertThat(meta.path("filename").asText()).as("file name sent as X-Filename")
                    .isEqualTo(Path.of(line[0]).getFileName().toString());
            assertThat(http.get("image/" + id + "/original").body()).isEqualTo(Files.readAllBytes(Path.of(line[0])));
        }
        String newestBefore = newestImageId();

        Run second = bulkUpload(tree, manifest, "--width=64", "--format=png");

        assertThat(second.exitCode()).as("second run: only the bad file fails again").isEqualTo(1);
        assertThat(second.stdout()).contains("uploaded=0 skipped=6 failed=1");
        assertThat(manifestLines(manifest)).hasSize(GOOD.size());
        assertThat(newestImageId()).as("newest image after the resumed run").isEqualTo(newestBefore);
    }

    @Test
    void givenVariants_whenATreeIsBulkUploaded_thenEveryImageHasEachVariantDone(@TempDir Path photos)
            throws Exception {
        // issue 13: --variants=a,b goes on to every upload, so each image gets both presets from its one upload
        Map<String, int[]> previewSize = Map.of("autumn.jpg", new int[] {400, 250},
                "shapes/cylinder.png", new int[] {320, 200}); // preview fits inside 1024x1024, never enlarging
        Files.write(photos.resolve("autumn.jpg"), resource("/images/autumn-400x250.jpg"));
        Files.createDirectories(photos.resolve("shapes"));
        Files.write(photos.resolve("shapes/cylinder.png"), resource("/images/cylinder-320x200-rgba16.png"));
        Path manifest = Build.workDir("balancer-it", "bulk-upload").resolve("manifest-" + UUID.randomUUID() + ".tsv");

        Run run = bulkUpload(photos, manifest, "--variants=thumbnail,preview");

        assertThat(run.exitCode()).as("exit status; stderr:\n%s", run.stderr()).isZero();
        assertThat(run.stdout()).contains("uploaded=2 skipped=0 failed=0");
        List<String[]> lines = manifestLines(manifest);
        assertThat(lines).hasSize(2);
        for (String[] line : lines) {
            String id = line[1];
            String file = photos.toRealPath().relativize(Path.of(line[0])).toString();
            assertThat(http.get("image/" + id + "?wait=60").statusCode()).as("first variant of %s", file)
                    .isEqualTo(200);
            // the meta, not GET /variants/{name}: that would derive a missing preset and hide a dropped option
            JsonNode variants = Await.until(Duration.ofSeconds(60), () -> Http.json(http.get("image/" + id
                    + "/meta")).path("variants"), v -> v.findValues("status").stream()
                    .noneMatch(s -> s.asText().equals("queued") || s.asText().equals("processing")));
            assertThat(variants).as("variants of %s", file).extracting(v -> v.path("name").asText())
                    .containsExactly("thumbnail", "preview");
            assertThat(variants).allSatisfy(v -> {
                assertThat(v.path("status").asText()).as("status of %s of %s", v.path("name"), file)
                        .isEqualTo("done");
                assertThat(v.path("derived").asBoolean()).as("made at upload, not derived later").isFalse();
                assertThat(v.path("format").asText()).isEqualTo("jpeg");
            });
            assertThat(List.of(variants.get(0).path("width").asInt(), variants.get(0).path("height").asInt()))
                    .as("thumbnail of %s", file).containsExactly(200, 200);
            assertThat(List.of(variants.get(1).path("width").asInt(), variants.get(1).path("height").asInt()))
                    .as("preview of %s", file).containsExactly(previewSize.get(file)[0], previewSize.get(file)[1]);
        }
    }

    private static String newestImageId() {
        JsonNode items = Http.json(http.get("images?status=all&limit=1")).path("items");
        assertThat(items.size()).isEqualTo(1);
        return items.get(0).path("id").asText();
    }

    private static Path realPath(String relative) {
        try {
            return tree.toRealPath().resolve(relative);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String[]> manifestLines(Path manifest) throws IOException {
        List<String[]> lines = new ArrayList<>();
        for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
            String[] fields = line.split("\t", -1);
            assertThat(fields).as("manifest line %s", line).hasSize(4);
            lines.add(fields);
        }
        return lines;
    }

    private static Run bulkUpload(Path dir, Path manifest, String... transformOptions)
            throws IOException, InterruptedException {
        Path work = Build.workDir("balancer-it", "bulk-upload");
        Path out = Files.createTempFile(work, "stdout-", ".txt");
        Path err = Files.createTempFile(work, "stderr-", ".txt");
        List<String> command = new ArrayList<>(List.of("bash", script.toString(), "--url=" + base.toString(),
                "--parallel=3", "--manifest=" + manifest, "--tries=2", "--timeout=60"));
        command.addAll(List.of(transformOptions));
        command.add(dir.toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process process = ChildProcesses.own(pb.start());
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            ChildProcesses.stop(process);
            throw new AssertionError("bin/bulk-upload did not finish within 90 s:\n" + Files.readString(err));
        }
        ChildProcesses.stop(process);
        Run run = new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        System.out.println("[imgpipe-it] bulk-upload exit " + run.exitCode() + ": " + run.stdout().strip());
        return run;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = BulkUploadIT.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }
}
