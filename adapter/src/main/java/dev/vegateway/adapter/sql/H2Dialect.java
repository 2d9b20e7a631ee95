package dev.vegateway.adapter.sql;

/** H2 2.x. Identifiers are quoted exactly, so catalogs name columns in the case H2 stores them. */
public final class H2Dialect implements Dialect {
    public static final H2Dialect INSTANCE = new H2Dialect();

    private H2Dialect() {}

    /**
     * H2 (2.3) runs a recursive table expression again for each row wherever it stands in a
     * subquery ({@code IN}, {@code = ANY}, a derived table, a join): a walk of 1 ms inside
     * {@code key IN (WITH RECURSIVE …)} took 470 ms over 4,000 rows. Read once, it is 1 ms.
     */
    @Override
    public boolean precomputesHierarchyWalks() {
        return true;
    }

    @Override
    public String caseInsensitiveLike() {
        return "ILIKE";
    }

    @Override
    public String bitAndOpen() {
        return "BITAND(";
    }

    @Override
    public String bitAndSeparator() {
        return ", ";
    }

    @Override
    public String isoWeekField() {
        return "ISO_WEEK";
    }

    @Override
    public String sha256Uuid(String nameSql) {
        return "CAST(SUBSTRING(HASH('SHA-256', " + nameSql + ") FROM 1 FOR 16) AS UUID)";
    }

    @Override
    public String recordIdUuid(String entityNumberHex, String numberSql) {
        return "CAST(X'" + entityNumberHex + "00000000' || CAST(CAST(" + numberSql
                + " AS BIGINT) AS BINARY(8)) AS UUID)";
    }

    @Override
    public String dayNumber(String dateSql) {
        return "DATEDIFF(DAY, DATE '1970-01-01', " + dateSql + ")";
    }

    @Override
    public String insertReturning(String table, String alias, String insertRest, String selectSql) {
        return "SELECT " + selectSql + " FROM FINAL TABLE (INSERT INTO " + table + insertRest + ") " + alias;
    }

    @Override
    public String toString() {
        return "H2";
    }
}
