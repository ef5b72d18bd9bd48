package io.imgpipe.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** A fresh database on the machine's PostgreSQL for one run (as the integration tests do), dropped afterwards. */
final class ExternalDatabase implements AutoCloseable {

    private final String adminUrl;
    private final String user;
    private final String password;
    private final String name;
    private final String jdbcUrl;

    ExternalDatabase(String adminUrl, String user, String password) throws SQLException {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.name = "imgpipe_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        int slash = adminUrl.lastIndexOf('/');
        int query = adminUrl.indexOf('?', slash);
        this.jdbcUrl = adminUrl.substring(0, slash + 1) + name + (query < 0 ? "" : adminUrl.substring(query));
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("[bench] could not drop database " + name + ": " + e.getMessage());
        }
    }
}
