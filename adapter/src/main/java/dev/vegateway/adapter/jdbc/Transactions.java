package dev.vegateway.adapter.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ending a unit of work without hiding why it ended. When the backend goes away in the middle of
 * a statement, {@code rollback()} on the dead connection throws too (Hikari: "Connection is
 * closed", without a SQLSTATE); thrown over the statement's failure it would replace the SQLSTATE
 * that says what happened (57P01, 08006) and turn a 503 into a 500.
 */
public final class Transactions {
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    private Transactions() {}

    /**
     * Rolls back after {@code cause} ended the unit of work. A failure to roll back is added to
     * {@code cause} as suppressed, never thrown: the cause is what the client is answered. A
     * connection that cannot roll back is broken; the pool discards it, and the server discards its
     * transaction with the session.
     */
    public static void rollback(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Ends, without committing, a unit of work that nothing failed: a read that succeeded, a
     * changeset that is not to be committed. A failure to roll back is logged, not thrown: what was
     * read is complete (and may already be on its way to the client), nothing was committed, and
     * the pool discards a broken connection.
     */
    public static void endWithoutCommit(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.warn(
                    "could not roll back at the end of a unit of work (SQLSTATE {}): {}",
                    e.getSQLState(),
                    e.getMessage());
        }
    }
}
