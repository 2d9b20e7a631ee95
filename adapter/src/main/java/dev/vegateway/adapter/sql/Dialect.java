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
