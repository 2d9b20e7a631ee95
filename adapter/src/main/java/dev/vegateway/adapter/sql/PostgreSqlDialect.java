package dev.vegateway.adapter.sql;

/** PostgreSQL 12 and later. */
public final class PostgreSqlDialect implements Dialect {
    public static final PostgreSqlDialect INSTANCE = new PostgreSqlDialect();

    private PostgreSqlDialect() {}

    @Override
    public String caseInsensitiveLike() {
        return "ILIKE";
    }

    @Override
    public String bitAndOpen() {
        return "(";
    }

    @Override
    public String bitAndSeparator() {
        return " & ";
    }

    @Override
    public String isoWeekField() {
        return "WEEK";
    }

    @Override
    public String toString() {
        return "PostgreSQL";
    }
}
