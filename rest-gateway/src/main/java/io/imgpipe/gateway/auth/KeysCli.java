package io.imgpipe.gateway.auth;

import io.imgpipe.gateway.upload.UploadAuth;
import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.Infrastructure;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The admin CLI for the keys table: {@code add <owner> [--operator]} prints a new key once (only its digest is
 * kept), {@code list} shows the keys without secrets, {@code revoke <id>} ends one. Gateways pick changes up within
 * {@code IMGPIPE_API_KEYS_REFRESH_SECONDS}. Connects with the {@code IMGPIPE_JDBC_URL}/{@code IMGPIPE_DB_*} settings.
 *
 * <pre>java -cp rest-gateway/target/imgpipe-rest-gateway-*-all.jar io.imgpipe.gateway.auth.KeysCli add alice</pre>
 */
public final class KeysCli {

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeysCli() {
    }

    public static void main(String[] args) throws SQLException {
        Infrastructure infra = Infrastructure.fromEnv(new Env(System.getenv()));
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.dbUser(), infra.dbPassword())) {
            System.exit(run(c, args, System.out, System.err));
        }
    }

    /** @return the exit status */
    public static int run(Connection c, String[] args, PrintStream out, PrintStream err) throws SQLException {
        String command = args.length == 0 ? "help" : args[0];
        switch (command) {
            case "add" -> {
                if (args.length < 2) {
                    err.println("usage: add <owner> [--operator]");
                    return 2;
                }
                boolean operator = args.length > 2 && args[2].equals("--operator");
                String key = newKey();
                ApiKey parsed = new ApiKey(args[1], UploadAuth.sha256(key), operator);
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO api_keys (owner, digest, operator) VALUES (?, ?, ?) RETURNING id")) {
                    ps.setString(1, parsed.owner());
                    ps.setString(2, HexFormat.of().formatHex(parsed.digest()));
                    ps.setBoolean(3, operator);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        out.println("id=" + rs.getLong(1) + " owner=" + parsed.owner() + " operator=" + operator);
                    }
                }
                out.println(key);
                return 0;
            }
            case "list" -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT id, owner, operator, created_at, revoked_at FROM api_keys ORDER BY id""");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.println("id=" + rs.getLong(1) + " owner=" + rs.getString(2) + " operator=" + rs.getBoolean(3)
                                + " created=" + rs.getTimestamp(4).toInstant()
                                + (rs.getTimestamp(5) == null ? "" : " revoked=" + rs.getTimestamp(5).toInstant()));
                    }
                }
                return 0;
            }
            case "revoke" -> {
                if (args.length < 2 || !args[1].matches("[0-9]{1,18}")) {
                    err.println("usage: revoke <id>   (the id printed by add and list)");
                    return 2;
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE api_keys SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL")) {
                    ps.setLong(1, Long.parseLong(args[1]));
                    int n = ps.executeUpdate();
                    out.println(n == 1 ? "revoked " + args[1] : "no active key with id " + args[1]);
                    return n == 1 ? 0 : 1;
                }
            }
            default -> {
                err.println("usage: KeysCli add <owner> [--operator] | list | revoke <id>");
                return 2;
            }
        }
    }

    /** 32 random bytes, URL-safe: 256 bits, so a digest of it cannot be reversed by guessing. */
    static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "ik_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
