package io.imgpipe.runtime.amqp;

import com.rabbitmq.client.Address;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The nodes of a broker cluster in one AMQP URI: {@code amqp://user:pass@node1:5672,node2:5672,node3/vhost}. The
 * user, password, vhost and query apply to every node; a node without a port takes the scheme's default (5672, or
 * 5671 for {@code amqps}). A URI with one host is the plain single-broker case and stays exactly as it was.
 *
 * <p>The client library takes the list and, on every connect and every automatic recovery, tries the nodes in a
 * shuffled order, so the services of a deployment spread over the nodes and move to a live one when theirs stops.
 *
 * @param uri   the URI with only the first node in it (credentials, vhost and query for the connection factory)
 * @param nodes every node, in the order given
 */
public record AmqpAddresses(String uri, List<Address> nodes) {

    private static final Pattern AUTHORITY = Pattern.compile("^(amqps?://)([^@/?]*@)?([^/?]*)(.*)$");

    public AmqpAddresses {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("an AMQP URI needs at least one host");
        }
    }

    /** Splits the host part of {@code uri} on commas. */
    public static AmqpAddresses parse(String uri) {
        Matcher m = match(uri);
        boolean tls = m.group(1).startsWith("amqps");
        int defaultPort = tls ? 5671 : 5672;
        List<Address> nodes = new ArrayList<>();
        for (String host : m.group(3).split(",", -1)) {
            nodes.add(address(host.trim(), defaultPort, uri));
        }
        String first = m.group(3).split(",", -1)[0].trim();
        String single = m.group(1) + (m.group(2) == null ? "" : m.group(2)) + first + m.group(4);
        return new AmqpAddresses(single, nodes);
    }

    /**
     * Puts a list of nodes ({@code IMGPIPE_AMQP_ADDRESSES}: {@code host:port,host:port}) in place of the host part
     * of {@code uri}, keeping its credentials, vhost and query.
     */
    public static String withNodes(String uri, String nodes) {
        Matcher m = match(uri);
        String list = String.join(",", nodes.trim().split("\\s*,\\s*"));
        if (list.isEmpty()) {
            throw new IllegalArgumentException("IMGPIPE_AMQP_ADDRESSES is empty");
        }
        String result = m.group(1) + (m.group(2) == null ? "" : m.group(2)) + list + m.group(4);
        parse(result); // validates every node
        return result;
    }

    /** True when the host part of {@code uri} lists more than one node. */
    public static boolean isList(String uri) {
        Matcher m = AUTHORITY.matcher(uri == null ? "" : uri.trim());
        return m.matches() && m.group(3).contains(",");
    }

    private static Matcher match(String uri) {
        Matcher m = AUTHORITY.matcher(uri == null ? "" : uri.trim());
        if (!m.matches() || m.group(3).isBlank()) {
            throw new IllegalArgumentException("invalid AMQP URI (amqp://user:pass@host[:port][,host[:port]...]/vhost): "
                    + AmqpConnector.redact(uri));
        }
        return m;
    }

    private static Address address(String hostPort, int defaultPort, String uri) {
        if (hostPort.isEmpty()) {
            throw new IllegalArgumentException("empty host in AMQP URI " + AmqpConnector.redact(uri));
        }
        int colon = hostPort.lastIndexOf(':');
        boolean bracketed = hostPort.startsWith("[");
        if (colon < 0 || (bracketed && colon < hostPort.indexOf(']'))) {
            return new Address(hostPort, defaultPort);
        }
        String host = hostPort.substring(0, colon);
        String port = hostPort.substring(colon + 1);
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return new Address(host, p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port '" + port + "' in AMQP URI " + AmqpConnector.redact(uri));
        }
    }
}
