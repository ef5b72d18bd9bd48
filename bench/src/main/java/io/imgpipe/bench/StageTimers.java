package io.imgpipe.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * Where the time of a run went inside the pipeline, from the services' own timers (the gateway's {@code /metrics},
 * which the in-process save2db and logger share, and the in-process transformer's registry): the mean of each timer
 * between two snapshots.
 */
final class StageTimers {

    /** Prometheus timer names and what they time. */
    static final Map<String, String> STAGES = stages();

    private static Map<String, String> stages() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("imgpipe_gateway_accept_seconds", "gateway accept (POST read → publish confirmed)");
        m.put("imgpipe_transformer_queued_seconds", "queued (upload → transformer starts)");
        m.put("imgpipe_transformer_transform_seconds", "transform");
        m.put("imgpipe_save2db_store_seconds", "save2db store (per message)");
        return m;
    }

    private final HttpClient client;
    private final URI metrics;
    private final Supplier<String> more;

    /** @param more another registry's Prometheus text */
    StageTimers(HttpClient client, URI base, Supplier<String> more) {
        this.client = client;
        this.metrics = base.resolve("/metrics");
        this.more = more;
    }

    /** Sum and count of each timer now; empty when the metrics cannot be read (the figures do not depend on it). */
    Map<String, double[]> snapshot() {
        Map<String, double[]> totals = new HashMap<>();
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            String text = (r.statusCode() == 200 ? r.body() : "") + "\n" + more.get();
            for (String line : text.split("\n")) {
                for (String name : STAGES.keySet()) {
                    int field = line.startsWith(name + "_sum") ? 0 : line.startsWith(name + "_count") ? 1 : -1;
                    if (field >= 0) {
                        double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                        totals.computeIfAbsent(name, k -> new double[2])[field] += v;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return totals;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return totals;
    }

    /** "stage mean ms (count)" for each timer that moved between the snapshots. */
    static String means(Map<String, double[]> before, Map<String, double[]> after) {
        StringJoiner out = new StringJoiner("; ");
        for (Map.Entry<String, String> stage : STAGES.entrySet()) {
            double[] a = after.get(stage.getKey());
            double[] b = before.getOrDefault(stage.getKey(), new double[2]);
            if (a == null || a[1] - b[1] <= 0) {
                continue;
            }
            out.add(String.format(Locale.ROOT, "%s %.1f ms", stage.getValue(), (a[0] - b[0]) / (a[1] - b[1]) * 1e3));
        }
        return out.length() == 0 ? "n/a" : out.toString();
    }

}
