package dev.vegateway.adapter.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import javax.sql.DataSource;

/**
 * The backend's data source as the read, write and action services see it. Outside a changeset
 * it hands out pool connections. While a {@link Changeset} is open on the calling thread, every
 * connection it hands out is that changeset's one connection, so that all the operations of an
 * OData changeset run in one database transaction and each sees what the earlier ones wrote.
 *
 * <p>A service uses such a connection exactly as a pool connection: {@code commit()} ends its own
 * unit of work, {@code rollback()} undoes it, {@code close()} gives it back. Inside a changeset
 * each unit of work is a savepoint: {@code rollback()} rolls back to it (undoing only that
 * service call), {@code commit()} and {@code close()} release it, and only
 * {@link Changeset#commit()} commits the database transaction.
 */
public final class ChangesetDataSource extends PoolView {
    /** Per data source, not static: each backend's changesets are its own. */
    @SuppressWarnings("ThreadLocalUsage")
    private final ThreadLocal<Changeset> open = new ThreadLocal<>();

    public ChangesetDataSource(DataSource pool) {
        super(pool);
    }

    /**
     * Opens a changeset on the calling thread: a pool connection in a new transaction that every
     * {@link #getConnection()} on this thread joins until the changeset is closed. Closing it
     * without {@link Changeset#commit()} rolls everything back.
     */
    public Changeset begin() throws SQLException {
        if (open.get() != null) {
            throw new IllegalStateException("a changeset is already open on this thread");
        }
        Connection connection = pool.getConnection();
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        Changeset changeset = new Changeset(connection);
        open.set(changeset);
        return changeset;
    }

    /** One transaction shared by the service calls of a changeset. */
    public final class Changeset implements AutoCloseable {
        private final Connection connection;
        private boolean committed;
        private boolean closed;

        private Changeset(Connection connection) {
            this.connection = connection;
        }

        /** Commits everything the changeset's operations wrote. */
        public void commit() throws SQLException {
            connection.commit();
            committed = true;
        }

        /**
         * Rolls back unless committed, and hands the connection back to the pool. A failure to roll
         * back is logged, not thrown: nothing was committed either way (a connection that cannot roll
         * back is broken, and the server discards its transaction with the session), and what ended
         * the changeset, a failed request or commit, is what the client is answered.
         */
        @Override
        public void close() throws SQLException {
            if (closed) {
                return;
            }
            closed = true;
            open.remove();
            try {
                if (!committed) {
                    Transactions.endWithoutCommit(connection);
                }
            } finally {
                connection.close();
            }
        }

        private Connection join() throws SQLException {
            Savepoint savepoint = connection.setSavepoint();
            return (Connection) Proxy.newProxyInstance(
                    Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class},
                    new JoinedConnection(connection, savepoint));
        }
    }

    /** A service's view of the changeset connection: its commit, rollback and close act on its savepoint only. */
    private static final class JoinedConnection implements InvocationHandler {
        private final Connection connection;
        private final Savepoint savepoint;
        private boolean released;

        JoinedConnection(Connection connection, Savepoint savepoint) {
            this.connection = connection;
            this.savepoint = savepoint;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] arguments) throws Throwable {
            switch (method.getName()) {
                case "commit" -> {
                    if (method.getParameterCount() == 0) {
                        release();
                        return null;
                    }
                }
                case "close" -> {
                    if (method.getParameterCount() == 0) {
                        try {
                            release();
                        } catch (SQLException e) {
                            // A unit of work that failed left the transaction aborted; the changeset rolls back as a
                            // whole.
                        }
                        return null;
                    }
                }
                case "rollback" -> {
                    if (method.getParameterCount() == 0) {
                        if (!released) {
                            connection.rollback(savepoint);
                        }
                        return null;
                    }
                }
                    // The changeset owns the transaction's settings; a service's "new transaction" setup is already
                    // true of it.
                case "setAutoCommit", "setReadOnly", "setTransactionIsolation" -> {
                    return null;
                }
                case "isClosed" -> {
                    return released;
                }
                case "equals" -> {
                    return proxy == arguments[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                default -> {}
            }
            if (released) {
                throw new SQLException("the connection was closed");
            }
            try {
                return method.invoke(connection, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private void release() throws SQLException {
            if (!released) {
                released = true;
                connection.releaseSavepoint(savepoint);
            }
        }
    }

    /** Whether a changeset is open on the calling thread (its reads must see its own writes). */
    public boolean inChangeset() {
        return open.get() != null;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Changeset changeset = open.get();
        return changeset == null ? pool.getConnection() : changeset.join();
    }
}
