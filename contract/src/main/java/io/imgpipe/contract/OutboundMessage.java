package io.imgpipe.contract;

import com.rabbitmq.client.AMQP;

/** A message ready to publish: where it goes, its properties (headers included) and its body. */
public record OutboundMessage(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
}
