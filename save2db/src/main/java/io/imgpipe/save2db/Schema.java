package io.imgpipe.save2db;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/** The images schema (originals, results, failures), owned and migrated by save2db. */
public final class Schema {

    private Schema() {
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/imgpipe")
                .table("imgpipe_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
