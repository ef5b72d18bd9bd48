package io.imgpipe.launcher;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.qpid.server.model.KeyStore;
import org.apache.qpid.server.model.TrustStore;
import org.apache.qpid.server.store.jdbc.ConnectionProvider;
import org.apache.qpid.server.store.jdbc.JDBCConnectionProviderFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

/**
 * A pooled connection provider for Qpid's JDBC message store (registered as a service under {@link #TYPE}). Qpid
 * ships only an unpooled one, which opens a new connection for every store transaction; on PostgreSQL each is a
 * forked backend, which cost more than the whole store otherwise does.
 */
public final class PooledConnectionProviderFactory implements JDBCConnectionProviderFactory {

    public static final String TYPE = "IMGPIPE_HIKARI";
    /** Qpid's store runs its transactions on a handful of threads; more connections would only sit idle. */
    private static final int POOL_SIZE = 4;

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    public ConnectionProvider getConnectionProvider(String url, String user, String password, KeyStore<?> keyStore,
                                                    String keyStorePathProperty, String keyStorePasswordProperty,
                                                    TrustStore<?> trustStore, String trustStorePathProperty,
                                                    String trustStorePasswordProperty, Map<String, String> attributes) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("qpid-store");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setAutoCommit(false); // Qpid commits its transactions itself
        HikariDataSource pool = new HikariDataSource(config);
        return new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return pool.getConnection();
            }

            @Override
            public void close() {
                pool.close();
            }
        };
    }

    @Override
    public Set<String> getProviderAttributeNames() {
        return Set.of();
    }
}
