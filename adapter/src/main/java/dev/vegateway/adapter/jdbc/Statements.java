package dev.vegateway.adapter.jdbc;

import dev.vegateway.adapter.sql.PreparedSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Rendered SQL made into JDBC statements the one way every service does: parameters bound in order, a timeout set. */
public final class Statements {
    private Statements() {}

    public static PreparedStatement prepare(Connection connection, PreparedSql sql, int timeoutSeconds)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql.sql());
        InFlightStatements.register(statement);
        try {
            statement.setQueryTimeout(timeoutSeconds);
            List<Object> parameters = sql.parameters();
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /** A statement of SQL text the catalog declared (an action's), its timeout set; the caller binds its parameters. */
    public static PreparedStatement prepare(Connection connection, String sql, int timeoutSeconds) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        InFlightStatements.register(statement);
        try {
            statement.setQueryTimeout(timeoutSeconds);
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /** Whether the query answers at least one row. */
    public static boolean anyRow(Connection connection, PreparedSql sql, int timeoutSeconds) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, timeoutSeconds);
                ResultSet result = statement.executeQuery()) {
            return result.next();
        }
    }
}
