package dev.vegateway.adapter.jdbc;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source whose connections the backend has just dropped, as PostgreSQL's fast shutdown
 * does: every statement fails with SQLSTATE 57P01, and {@code rollback()} fails as Hikari's proxy
 * of a dead connection does ("Connection is closed", without a SQLSTATE). Everything else goes to
 * the real database, so that a test can check afterwards that nothing was written.
 */
public final class LostConnections implements DataSource {
    public static final String LOST_STATE = "57P01";
    public static final String ROLLBACK_FAILURE = "Connection is closed";

    private final DataSource database;

    public LostConnections(DataSource database) {
        this.database = requireNonNull(database, "database is null");
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = database.getConnection();
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, arguments) -> {
                    switch (method.getName()) {
                        case "prepareStatement",
                                "createStatement",
                                "prepareCall",
                                "setSavepoint" -> throw new SQLException(
                                "FATAL: terminating connection due to administrator command", LOST_STATE);
                        case "rollback" -> throw new SQLException(ROLLBACK_FAILURE);
                        default -> {
                            try {
                                return method.invoke(connection, arguments);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }
                    }
                });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException();
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
