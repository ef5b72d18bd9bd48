package io.imgpipe.gateway.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code api_keys} table (created by save2db's migrations, written by {@link KeysCli}), re-read in the background
 * every few seconds so that requests never wait on it and a revoked key stops working without a restart. When the
 * database cannot be read the last keys read stay in force: a database outage neither opens nor locks the gateway.
 */
public final class KeyTable implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyTable.class);

    private final DataSource dataSource;
    private final ScheduledExecutorService refresher;
    private volatile List<ApiKey> keys = List.of();

    public KeyTable(DataSource dataSource, long refreshSeconds) {
        this.dataSource = dataSource;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "api-keys-refresh");
            t.setDaemon(true);
            return t;
        });
        refresh();
        refresher.scheduleWithFixedDelay(this::refresh, refreshSeconds, refreshSeconds, TimeUnit.SECONDS);
    }

    public List<ApiKey> keys() {
        return keys;
    }

    void refresh() {
        try {
            keys = read(dataSource);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("event=api_keys_unreadable kept={} error=\"{}\"", keys.size(), e.getMessage());
        }
    }

    static List<ApiKey> read(DataSource dataSource) throws SQLException {
        List<ApiKey> read = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT owner, digest, operator FROM api_keys WHERE revoked_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                read.add(new ApiKey(rs.getString(1), HexFormat.of().parseHex(rs.getString(2)), rs.getBoolean(3)));
            }
        }
        return List.copyOf(read);
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
