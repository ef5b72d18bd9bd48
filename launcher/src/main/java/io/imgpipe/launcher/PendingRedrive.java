package io.imgpipe.launcher;

import com.rabbitmq.client.Connection;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.amqp.AmqpConnector;
import io.imgpipe.contract.amqp.ConfirmingPublisher;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.runtime.Env;
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
 * The embedded broker keeps messages in memory, so a one-JVM pipeline that stops (or is killed) loses the jobs still
 * queued. Their originals are already in PostgreSQL: on start, every original without a result or a failure is
 * submitted again. Transformers and save2db are idempotent, so an image that was in fact finished changes nothing.
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
