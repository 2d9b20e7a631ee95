package dev.vegateway.adapter.sql;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** What differs between backends in the SQL the renderer writes. One implementation per backend. */
public sealed interface Dialect permits H2Dialect, PostgreSqlDialect {

    /** Quotes an identifier by doubling the quote character (Calcite's rule). */
    default String quoteIdentifier(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** The operator for a case-insensitive LIKE. */
    String caseInsensitiveLike();

    /** What opens a bitwise AND of two integers ({@code BITAND(}); {@link #bitAndSeparator} goes between them, {@code )} closes it. */
    String bitAndOpen();

    String bitAndSeparator();

    /** The EXTRACT field of the ISO 8601 week of the year. */
    String isoWeekField();

    /**
     * The 16 bytes of SHA-256 over the UTF-8 text {@code nameSql} as a UUID: one deterministic
     * expression (PostgreSQL: immutable, so an expression index can hold it).
     */
    String sha256Uuid(String nameSql);

    /** {@code EEEEEEEE-0000-0000-} followed by the 64-bit {@code numberSql} in hex, as a UUID. */
    String recordIdUuid(String entityNumberHex, String numberSql);

    /** The days from 1970-01-01 to the date {@code dateSql}, as an integer. */
    String dayNumber(String dateSql);

    /**
     * A statement that inserts with {@code insertSql} ({@code INSERT INTO table AS alias …} on
     * PostgreSQL, without the alias on H2) and answers {@code selectSql} over the inserted row.
     */
    String insertReturning(String table, String alias, String insertRest, String selectSql);

    /**
     * Whether the keys a hierarchy walk reaches are read with a statement of their own before the
     * query that uses them (see {@link SqlRenderer#hierarchyWalks}), instead of a recursive table
     * expression inside it: H2 evaluates such an expression again for every row it tests.
     */
    default boolean precomputesHierarchyWalks() {
        return false;
    }

    /** The number of rows the driver should fetch at a time while streaming. */
    default int fetchSize() {
        return 500;
    }

    static Dialect of(BackendKind kind) {
        return switch (kind) {
            case H2 -> H2Dialect.INSTANCE;
            case POSTGRESQL -> PostgreSqlDialect.INSTANCE;
        };
    }
}
