package io.imgpipe.runtime.amqp;

import com.rabbitmq.client.Address;
import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.Infrastructure;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AmqpAddressesTest {

    @Test
    void splitsTheHostPartIntoNodesKeepingCredentialsAndVhostForEveryNode() {
        AmqpAddresses a = AmqpAddresses.parse("amqp://app:s3cret@r1:5681,r2:5682,r3/%2f?heartbeat=10");

        assertThat(a.nodes()).containsExactly(new Address("r1", 5681), new Address("r2", 5682), new Address("r3", 5672));
        assertThat(a.uri()).isEqualTo("amqp://app:s3cret@r1:5681/%2f?heartbeat=10");
    }

    @Test
    void takesTheTlsPortForAmqpsNodesWithoutAPort() {
        assertThat(AmqpAddresses.parse("amqps://u:p@a,b:9999/v").nodes())
                .containsExactly(new Address("a", 5671), new Address("b", 9999));
    }

    @Test
    void aSingleHostIsNoList() {
        assertThat(AmqpAddresses.isList("amqp://guest:guest@localhost:5672/%2f")).isFalse();
        assertThat(AmqpAddresses.isList("amqp://guest:guest@a:1,b:2/%2f")).isTrue();
    }

    @Test
    void rejectsAnEmptyNodeOrABadPortNamingTheUriWithoutItsPassword() {
        assertThatThrownBy(() -> AmqpAddresses.parse("amqp://u:hidden@a:1,,b:2/v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty host")
                .hasMessageNotContaining("hidden");
        assertThatThrownBy(() -> AmqpAddresses.parse("amqp://u:hidden@a:1,b:notaport/v"))
                .hasMessageContaining("bad port 'notaport'").hasMessageNotContaining("hidden");
    }

    @Test
    void addressesSettingReplacesTheHostOfTheUri() {
        Env env = new Env(Map.of(Env.AMQP_URI, "amqp://app:pw@broker:5672/images",
                Env.AMQP_ADDRESSES, " 127.0.0.1:5681, 127.0.0.1:5682 ,127.0.0.1:5683"));

        String uri = Infrastructure.fromEnv(env).amqpUri();

        assertThat(uri).isEqualTo("amqp://app:pw@127.0.0.1:5681,127.0.0.1:5682,127.0.0.1:5683/images");
        assertThat(AmqpAddresses.parse(uri).nodes()).hasSize(3);
    }

    @Test
    void addressesSettingAloneKeepsTheDefaultCredentialsAndVhost() {
        String uri = Infrastructure.fromEnv(new Env(Map.of(Env.AMQP_ADDRESSES, "n1:5672,n2:5672"))).amqpUri();

        assertThat(uri).isEqualTo("amqp://guest:guest@n1:5672,n2:5672/%2f");
    }

    @Test
    void aBadAddressesSettingFailsNamingTheSetting() {
        assertThatThrownBy(() -> Infrastructure.fromEnv(new Env(Map.of(Env.AMQP_ADDRESSES, "n1:5672,n2:x"))))
                .hasMessageContaining(Env.AMQP_ADDRESSES);
    }

    @Test
    void withoutTheSettingTheUriIsUnchanged() {
        assertThat(Infrastructure.fromEnv(new Env(Map.of(Env.AMQP_URI, "amqp://a/b"))).amqpUri()).isEqualTo("amqp://a/b");
        assertThat(List.of(AmqpConnector.redact("amqp://u:pw@a:1,b:2/v"))).containsExactly("amqp://u:***@a:1,b:2/v");
    }
}
