package io.imgpipe.contract;

import com.rabbitmq.client.AMQP;
import io.imgpipe.contract.format.ImageFormat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Claim checks in the contract (issue 17): a reference instead of the bytes, read back and checked. */
class ClaimCheckMessagesTest {

    private static final byte[] BYTES = "an image".getBytes(StandardCharsets.UTF_8);

    private static OutboundMessage submitted() {
        return ImageMessages.submitted(ImageId.random(), Traceparent.continueOrStart(null), Instant.now(),
                ImageFormat.PNG, "width=10", "cat.png", "alice", BYTES, "amq.gen-1");
    }

    @Test
    void theReferenceIsContentAddressed() {
        BlobRef ref = BlobRef.of(BYTES);

        assertThat(ref.sha256()).hasSize(64);
        assertThat(ref.key()).isEqualTo("sha256/" + ref.sha256().substring(0, 2) + "/" + ref.sha256());
        assertThat(ref.size()).isEqualTo(BYTES.length);
        assertThat(BlobRef.of(BYTES.clone())).isEqualTo(ref);
        assertThat(ref.etag()).isEqualTo("\"" + ref.sha256() + "\"");
    }

    @Test
    void aClaimCheckKeepsEveryHeaderAndPropertyAndDropsTheBytes() {
        OutboundMessage inline = submitted();
        BlobRef ref = BlobRef.of(BYTES);

        OutboundMessage byReference = ImageMessages.byReference(inline, ref);

        assertThat(byReference.body()).isEmpty();
        assertThat(byReference.routingKey()).isEqualTo(inline.routingKey());
        assertThat(byReference.properties().getReplyTo()).isEqualTo("amq.gen-1");
        assertThat(byReference.properties().getHeaders()).containsAllEntriesOf(inline.properties().getHeaders());
        InboundMessage in = new InboundMessage(byReference.routingKey(), byReference.properties(), byReference.body(), false);
        assertThat(in.blobRef()).contains(ref);
    }

    @Test
    void aMessageWithItsBytesHasNoReference() {
        OutboundMessage inline = submitted();

        assertThat(new InboundMessage(inline.routingKey(), inline.properties(), inline.body(), false).blobRef()).isEmpty();
    }

    @Test
    void aKeyThatDoesNotNameTheDigestIsMalformed() {
        OutboundMessage m = ImageMessages.byReference(submitted(), BlobRef.of(BYTES));
        Map<String, Object> headers = new HashMap<>(m.properties().getHeaders());
        headers.put(MessageHeaders.BLOB_KEY, "sha256/00/../../etc/passwd");
        AMQP.BasicProperties tampered = m.properties().builder().headers(headers).build();

        InboundMessage in = new InboundMessage(m.routingKey(), tampered, m.body(), false);

        assertThrows(MalformedMessageException.class, in::blobRef);
    }

    @Test
    void aDigestThatIsNotHexIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BlobRef.of("not-a-digest", 1));
    }
}
