package io.imgpipe.launcher;

import com.rabbitmq.client.Connection;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.amqp.AmqpConnector;
import io.imgpipe.runtime.amqp.ConfirmingPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Re-publishes accepted jobs that the embedded broker no longer holds. The one-JVM default keeps the broker's
 * messages in PostgreSQL, so a restart normally finds its jobs still queued and this does not run (re-publishing them
 * would do each twice). It runs when the embedded broker starts without a previous run's messages — the first start
 * on a data directory written by a version that kept them elsewhere (memory, then Derby), a store that was deleted,
 * or an in-memory broker on a database that outlives it — and submits every original without a result or a failure
 * again. Transformers and save2db are idempotent, so an image that was in fact finished changes nothing.
 */
final class PendingRedrive {

    private static final Logger LOG = LoggerFactory.getLogger(PendingRedrive.class);

    private PendingRedrive() {
    }

    static int run(Env env) throws Exception {
        List<CompletableFuture<Void>> confirms = new ArrayList<>();
        try (var db = DriverManager.getConnection(env.string(Env.JDBC_URL, ""), env.string(Env.DB_USER, "postgres"),
                env.string(Env.DB_PASSWORD, ""));
             PreparedStatement ps = db.prepareStatement("""
                     SELECT o.image_id, o.format, o.options, o.filename, o.traceparent, o.accepted_at, o.bytes, o.owner
                       FROM originals o
                      WHERE NOT EXISTS (SELECT 1 FROM results r WHERE r.image_id = o.image_id)
                        AND NOT EXISTS (SELECT 1 FROM failures f WHERE f.image_id = o.image_id)
                      ORDER BY o.accepted_at""");
             Connection amqp = new AmqpConnector(env.string(Env.AMQP_URI, "")).connect("imgpipe-redrive",
                     Duration.ofSeconds(30));
             ConfirmingPublisher publisher = new ConfirmingPublisher(amqp)) {
            ps.setFetchSize(16);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ImageFormat format = ImageFormat.fromKey(rs.getString(2)).orElse(ImageFormat.JPEG);
                    confirms.add(publisher.publish(ImageMessages.submitted(new ImageId(rs.getString(1)),
                            rs.getString(5), rs.getTimestamp(6).toInstant(), format, rs.getString(3), rs.getString(4),
                            rs.getString(8), rs.getBytes(7), null)));
                }
            }
            CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        if (!confirms.isEmpty()) {
            LOG.info("event=redrive_pending images={}", confirms.size());
        }
        return confirms.size();
    }
}
