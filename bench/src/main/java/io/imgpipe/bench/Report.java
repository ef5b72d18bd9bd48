package io.imgpipe.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one run as a Markdown table, each with the load average when it was taken: the machine is
 * shared, and a figure means little without it.
 */
final class Report {

    private record Row(String figure, String value, String detail, String load) {
    }

    private final List<String> header = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    void header(String line) {
        header.add(line);
    }

    void add(String figure, String value, String detail) {
        rows.add(new Row(figure, value, detail, load()));
        System.out.printf("[bench] %-62s %s   (%s; load %s)%n", figure, value, detail, load());
    }

    void note(String line) {
        notes.add(line);
        System.out.println("[bench] note: " + line);
    }

    /** This JVM's peak resident set (VmHWM of {@code /proc/self/status}) in MiB, or -1 where there is none. */
    static long peakResidentMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** The 1, 5 and 15 minute load averages, from {@code /proc/loadavg}. */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        header.forEach(h -> sb.append("- ").append(h).append('\n'));
        sb.append('\n').append("| figure | value | detail | load avg (1/5/15 min) |\n| --- | --- | --- | --- |\n");
        for (Row r : rows) {
            sb.append("| ").append(r.figure()).append(" | ").append(r.value()).append(" | ").append(r.detail())
                    .append(" | ").append(r.load()).append(" |\n");
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
            notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        }
        return sb.toString();
    }

    void print(PrintStream out) {
        out.println();
        out.print(markdown());
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, markdown());
    }
}
