package io.imgpipe.runtime;

import io.imgpipe.contract.QueueArguments;
import io.imgpipe.runtime.amqp.AmqpAddresses;
import io.imgpipe.runtime.amqp.AmqpConnector;

/**
 * Where the broker and the database are: the part of every service's configuration that is the same everywhere.
 *
 * @param amqpUri    the AMQP 0-9-1 broker; its host part may list a cluster's nodes ({@link AmqpAddresses})
 * @param jdbcUrl    the PostgreSQL database
 * @param dbUser     database user
 * @param dbPassword database password
 * @param queues     portable classic queues, or RabbitMQ quorum queues
 * @param heartbeatSeconds how often each service tells the cluster view it is alive
 */
public record Infrastructure(String amqpUri, String jdbcUrl, String dbUser, String dbPassword, QueueArguments queues,
                             int heartbeatSeconds) {

    public static Infrastructure fromEnv(Env env) {
        return new Infrastructure(
                amqpUri(env),
                env.string(Env.JDBC_URL, Env.DEFAULT_JDBC_URL),
                env.string(Env.DB_USER, "postgres"),
                env.string(Env.DB_PASSWORD, ""),
                QueueArguments.parse(env.string(Env.QUEUE_TYPE, "classic"), env.integer(Env.DELIVERY_LIMIT, 5, 1, 1000)),
                env.integer(Env.HEARTBEAT_SECONDS, 5, 1, 300));
    }

    /** {@code IMGPIPE_AMQP_URI}, with the nodes of {@code IMGPIPE_AMQP_ADDRESSES} in place of its host when set. */
    public static String amqpUri(Env env) {
        String uri = env.string(Env.AMQP_URI, Env.DEFAULT_AMQP_URI);
        if (!env.isSet(Env.AMQP_ADDRESSES)) {
            return uri;
        }
        try {
            return AmqpAddresses.withNodes(uri, env.string(Env.AMQP_ADDRESSES, ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Env.AMQP_ADDRESSES + " must be host:port[,host:port...]: " + e.getMessage(), e);
        }
    }

    /** The same with another database (a streaming replica of this one, read with the same user). */
    public Infrastructure readingFrom(String otherJdbcUrl) {
        return new Infrastructure(amqpUri, otherJdbcUrl, dbUser, dbPassword, queues, heartbeatSeconds);
    }

    @Override
    public String toString() {
        return "Infrastructure[amqp=" + AmqpConnector.redact(amqpUri) + ", jdbc=" + jdbcUrl
                + ", user=" + dbUser + ", queues=" + queues.queueType() + "]";
    }
}
