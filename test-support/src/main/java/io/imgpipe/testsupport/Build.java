package io.imgpipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the build put things: the module under test, the repository root, the services' runnable jars. */
public final class Build {

    private Build() {
    }

    /** The directory of the module whose tests run (Surefire and Failsafe set {@code basedir} and run there). */
    public static Path moduleDir() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath().normalize();
    }

    /** The repository root: the parent of every module. */
    public static Path root() {
        return moduleDir().resolve("..").normalize();
    }

    /** {@code target/<parts>} of the module under test, created: logs and generated files of one test. */
    public static Path workDir(String first, String... more) {
        Path dir = moduleDir().resolve("target").resolve(Path.of(first, more));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** {@code <module>/target/imgpipe-<module>-*-all.jar}, the shaded jar, when it has been built. */
    public static Optional<Path> runnableJar(String module) {
        Path target = root().resolve(module).resolve("target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "imgpipe-" + module + "-*-all.jar")) {
            for (Path jar : jars) {
                return Optional.of(jar.toAbsolutePath().normalize());
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #runnableJar}, failing with how to build it when it is missing. */
    public static Path requireRunnableJar(String module) {
        return runnableJar(module).orElseThrow(() -> new IllegalStateException("the " + module + " jar in "
                + root().resolve(module).resolve("target") + " is missing: build it first with "
                + "'./mvnw -B install -DskipTests' at the root (or run 'verify' from the root, which packages it "
                + "before the launcher's integration tests)"));
    }
}
