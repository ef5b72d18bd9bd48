package io.imgpipe.contract;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;

import java.io.IOException;
import java.util.Map;

/**
 * Every exchange, queue and binding of the pipeline, and the one idempotent place that declares them.
 *
 * <p>Only portable AMQP 0-9-1 is used by default so that the same code runs on RabbitMQ and on the embedded
 * Qpid broker. RabbitMQ-only queue arguments (quorum queues, delivery limits) come from {@link QueueArguments}.
 */
public final class Topology {

    public static final String IMAGES_EXCHANGE = "images";
    public static final String ACTIVITY_EXCHANGE = "activity";

    public static final String TRANSFORMER_QUEUE = "transformer";
    public static final String SAVE2DB_QUEUE = "save2db";
    public static final String LOGGER_QUEUE = "logger";

    public static final String SUBMITTED_PREFIX = "image.submitted.";
    public static final String TRANSFORMED_PREFIX = "image.transformed.";
    public static final String FAILED_PREFIX = "image.failed.";
    /** A command to save2db: forget the image (the gateway's {@code DELETE /image/{id}}, retention). */
    public static final String DELETE_KEY = "image.delete";
    /** A command to save2db: start a variant of a stored image, once (a GET of a preset the image lacks). */
    public static final String DERIVE_KEY = "image.derive";
    /** A job for the transformers made by save2db from a stored original: new variants of an existing image. */
    public static final String DERIVATION_PREFIX = "image.derivation.";

    private Topology() {
    }

    public static String submittedKey(String format) {
        return SUBMITTED_PREFIX + format;
    }

    public static String transformedKey(String format) {
        return TRANSFORMED_PREFIX + format;
    }

    public static String derivationKey(String format) {
        return DERIVATION_PREFIX + format;
    }

    public static String failedKey(String reason) {
        return FAILED_PREFIX + reason;
    }

    public static String activityKey(String service, String event) {
        return service + "." + event;
    }

    /**
     * True for a service's {@link Heartbeat} on the activity exchange: news about the cluster, never part of an
     * image's story, so the logger skips it and the event stream does not forward it.
     */
    public static boolean isHeartbeat(String activityRoutingKey) {
        return activityRoutingKey != null && activityRoutingKey.endsWith("." + Heartbeat.EVENT);
    }

    /** Declares both exchanges, the three work queues and their bindings. Safe to call from every service. */
    public static void declare(Channel channel, QueueArguments arguments) throws IOException {
        channel.exchangeDeclare(IMAGES_EXCHANGE, BuiltinExchangeType.TOPIC, true);
        channel.exchangeDeclare(ACTIVITY_EXCHANGE, BuiltinExchangeType.TOPIC, true);

        declareWorkQueue(channel, TRANSFORMER_QUEUE, arguments);
        channel.queueBind(TRANSFORMER_QUEUE, IMAGES_EXCHANGE, SUBMITTED_PREFIX + "*");
        channel.queueBind(TRANSFORMER_QUEUE, IMAGES_EXCHANGE, DERIVATION_PREFIX + "*");

        declareWorkQueue(channel, SAVE2DB_QUEUE, arguments);
        channel.queueBind(SAVE2DB_QUEUE, IMAGES_EXCHANGE, SUBMITTED_PREFIX + "*");
        channel.queueBind(SAVE2DB_QUEUE, IMAGES_EXCHANGE, TRANSFORMED_PREFIX + "*");
        channel.queueBind(SAVE2DB_QUEUE, IMAGES_EXCHANGE, FAILED_PREFIX + "*");
        channel.queueBind(SAVE2DB_QUEUE, IMAGES_EXCHANGE, DELETE_KEY);
        channel.queueBind(SAVE2DB_QUEUE, IMAGES_EXCHANGE, DERIVE_KEY);

        declareWorkQueue(channel, LOGGER_QUEUE, arguments);
        channel.queueBind(LOGGER_QUEUE, ACTIVITY_EXCHANGE, "#");
    }

    private static void declareWorkQueue(Channel channel, String name, QueueArguments arguments) throws IOException {
        Map<String, Object> args = arguments.forQueue(name);
        channel.queueDeclare(name, true, false, false, args.isEmpty() ? null : args);
    }
}
