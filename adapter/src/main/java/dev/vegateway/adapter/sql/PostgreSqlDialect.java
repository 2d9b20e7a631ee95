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
    public String sha256Uuid(String nameSql) {
        // CAST(text AS BYTEA) reads backslash escapes, so each backslash is doubled first; unlike
        // CONVERT_TO it is immutable, which an expression index needs.
        return "CAST(ENCODE(SUBSTRING(SHA256(CAST(REPLACE(" + nameSql
                + ", '\\', '\\\\') AS BYTEA)) FROM 1 FOR 16), 'hex') AS UUID)";
    }

    @Override
    public String recordIdUuid(String entityNumberHex, String numberSql) {
        return "CAST('" + entityNumberHex + "00000000' || LPAD(TO_HEX(CAST(" + numberSql
                + " AS BIGINT)), 16, '0') AS UUID)";
    }

    @Override
    public String dayNumber(String dateSql) {
        return "(" + dateSql + " - DATE '1970-01-01')";
    }

    @Override
    public String insertReturning(String table, String alias, String insertRest, String selectSql) {
        return "INSERT INTO " + table + " AS " + alias + insertRest + " RETURNING " + selectSql;
    }

    @Override
    public String toString() {
        return "PostgreSQL";
    }
}
