package io.imgpipe.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh database on an existing PostgreSQL server for one run, so runs never see each other's rows; dropped on
 * {@link #close()} so machines do not collect them.
 */
public final class ThrowawayDatabase implements AutoCloseable {

    private final String adminUrl;
    private final String user;
    private final String password;
    private final String name;

    private ThrowawayDatabase(String adminUrl, String user, String password, String name) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.name = name;
    }

    /**
     * @param adminUrl JDBC URL of a database on the server that {@code user} may create databases from
     * @param prefix   the new database's name is this plus 12 random hex digits
     */
    public static ThrowawayDatabase create(String adminUrl, String user, String password, String prefix)
            throws SQLException {
        return create(adminUrl, user, password, prefix, 12);
    }

    /** As {@link #create(String, String, String, String)} with {@code digits} random hex digits. */
    public static ThrowawayDatabase create(String adminUrl, String user, String password, String prefix, int digits)
            throws SQLException {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, digits);
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new ThrowawayDatabase(adminUrl, user, password, name);
    }

    public String name() {
        return name;
    }

    /** The admin URL pointing at this database instead (its query parameters kept). */
    public String jdbcUrl() {
        return withDatabase(adminUrl, name);
    }

    /** {@code jdbcUrl} with its database replaced by {@code database}. */
    public static String withDatabase(String jdbcUrl, String database) {
        int slash = jdbcUrl.lastIndexOf('/');
        int query = jdbcUrl.indexOf('?', slash);
        return jdbcUrl.substring(0, slash + 1) + database + (query < 0 ? "" : jdbcUrl.substring(query));
    }

    /** Drops the database, closing its sessions; a failure is reported, not thrown, since the run is over. */
    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("[test-support] could not drop database " + name + ": " + e.getMessage());
        }
    }
}
