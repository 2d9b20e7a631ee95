package dev.vegateway.adapter.sql;

/** H2 2.x. Identifiers are quoted exactly, so catalogs name columns in the case H2 stores them. */
public final class H2Dialect implements Dialect {
    public static final H2Dialect INSTANCE = new H2Dialect();

    private H2Dialect() {}

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
    public String toString() {
        return "H2";
    }
}
