package dev.vegateway.adapter.write;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** An H2 database with the audit table, rows inserted at chosen times, a clock and a data source that can fail. */
final class AuditRows {
    static final String SCHEMA = "vegateway_security";

    final JdbcDataSource database = new JdbcDataSource();
    final AuditLog audit = new AuditLog(SCHEMA);

    AuditRows() throws SQLException {
        database.setURL("jdbc:h2:mem:audit" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        audit.createIfMissing(database, SCHEMA);
    }

    /** Inserts {@code count} rows changed at {@code at}, {@code at + 1 ms}, …; returns the first row's id. */
    UUID insert(Instant at, int count) throws SQLException {
        UUID first = null;
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement("INSERT INTO " + audit.table()
                        + " (id, changed_at, user_id, application_id, operation, entity, record_key, changes)"
                        + " VALUES (?, ?, ?, 'app', 'update', 'mserp_custcustomerv3entity', ?, ?)")) {
            for (int row = 0; row < count; row++) {
                UUID id = UUID.randomUUID();
                first = first == null ? id : first;
                statement.setObject(1, id);
                statement.setObject(2, at.plusMillis(row).atOffset(ZoneOffset.UTC));
                statement.setObject(3, new UUID(0, 5));
                statement.setObject(4, new UUID(1, row));
                statement.setString(5, "{\"mserp_name\":{\"old\":\"a\",\"new\":\"b " + row + "\"}}");
                statement.addBatch();
            }
            statement.executeBatch();
        }
        return first;
    }

    long count() throws SQLException {
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM " + audit.table())) {
            result.next();
            return result.getLong(1);
        }
    }

    /** A clock that tests move by hand. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a test clock has no zone");
        }
    }

    /** The database, except that getting a connection fails while {@link #failing} is set. */
    static final class FlakyDataSource implements DataSource {
        private final DataSource delegate;
        volatile boolean failing;

        FlakyDataSource(DataSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (failing) {
                throw new SQLException("the backend is unavailable", "08001");
            }
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
