package io.imgpipe.runtime.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.imgpipe.runtime.Infrastructure;
import io.micrometer.core.instrument.MeterRegistry;

/** The HikariCP pool every service opens on PostgreSQL. */
public final class Database {

    private Database() {
    }

    /**
     * @param readOnly true for the gateway, which only reads (connections are opened read-only so a bug cannot write)
     */
    public static HikariDataSource pool(Infrastructure infra, String name, int size, boolean readOnly) {
        return pool(infra, name, size, readOnly, null);
    }

    /**
     * @param metrics where the pool reports {@code hikaricp_connections_*} (active, idle, pending, timeouts, acquire
     *                time), tagged {@code pool=<name>}; null for none
     */
    public static HikariDataSource pool(Infrastructure infra, String name, int size, boolean readOnly,
                                        MeterRegistry metrics) {
        HikariConfig config = new HikariConfig();
        if (metrics != null) {
            config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(metrics));
        }
        config.setPoolName(name);
        config.setJdbcUrl(infra.jdbcUrl());
        config.setUsername(infra.dbUser());
        config.setPassword(infra.dbPassword());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setReadOnly(readOnly);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        // Start even when the database is still down: the pool keeps trying, readiness reports it.
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "imgpipe-" + name);
        config.addDataSourceProperty("tcpKeepAlive", "true");
        return new HikariDataSource(config);
    }

    /** True when a connection can be had and answers within two seconds. */
    public static boolean isReachable(HikariDataSource pool) {
        try (var c = pool.getConnection()) {
            return c.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }
}
