package dev.vegateway.adapter.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // some tests open a changeset only to close it uncommitted
class ChangesetDataSourceTest {
    private JdbcDataSource pool;
    private ChangesetDataSource dataSource;

    @BeforeEach
    void createTable() throws SQLException {
        pool = new JdbcDataSource();
        pool.setURL("jdbc:h2:mem:changeset-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        dataSource = new ChangesetDataSource(pool);
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create table t (v int)");
        }
    }

    /** One service call as the services write it: its own "transaction", committed or rolled back, then closed. */
    private void unitOfWork(int value, boolean commit) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("insert into t values (" + value + ")");
            }
            if (commit) {
                connection.commit();
            } else {
                connection.rollback();
            }
        }
    }

    private int rowsSeenByAnotherConnection() throws SQLException {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select count(*) from t")) {
            result.next();
            return result.getInt(1);
        }
    }

    private int rowsSeenInside() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select count(*) from t")) {
            result.next();
            return result.getInt(1);
        }
    }

    @Test
    void outsideAChangesetEachUnitOfWorkCommitsOnItsOwn() throws SQLException {
        unitOfWork(1, true);
        unitOfWork(2, false);

        assertThat(rowsSeenByAnotherConnection()).isEqualTo(1);
    }

    @Test
    void unitsOfWorkInAChangesetCommitTogetherAndSeeEachOther() throws SQLException {
        try (ChangesetDataSource.Changeset changeset = dataSource.begin()) {
            unitOfWork(1, true);
            unitOfWork(2, true);
            assertThat(rowsSeenInside()).isEqualTo(2);
            assertThat(rowsSeenByAnotherConnection()).isZero();
            changeset.commit();
        }

        assertThat(rowsSeenByAnotherConnection()).isEqualTo(2);
    }

    @Test
    void aChangesetClosedWithoutCommitLeavesNoTrace() throws SQLException {
        try (ChangesetDataSource.Changeset changeset = dataSource.begin()) {
            unitOfWork(1, true);
            unitOfWork(2, true);
        }

        assertThat(rowsSeenByAnotherConnection()).isZero();
        unitOfWork(3, true);
        assertThat(rowsSeenByAnotherConnection())
                .as("the thread is free of the changeset again")
                .isEqualTo(1);
    }

    @Test
    void aRolledBackUnitOfWorkUndoesOnlyItself() throws SQLException {
        try (ChangesetDataSource.Changeset changeset = dataSource.begin()) {
            unitOfWork(1, true);
            unitOfWork(2, false);
            unitOfWork(3, true);
            changeset.commit();
        }

        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select sum(v) from t")) {
            result.next();
            assertThat(result.getInt(1)).isEqualTo(4);
        }
    }

    @Test
    void aClosedJoinedConnectionRefusesWork() throws SQLException {
        try (ChangesetDataSource.Changeset changeset = dataSource.begin()) {
            Connection connection = dataSource.getConnection();
            connection.close();

            assertThat(connection.isClosed()).isTrue();
            assertThatThrownBy(connection::createStatement)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("closed");
        }
    }

    @Test
    void changesetsDoNotNest() throws SQLException {
        try (ChangesetDataSource.Changeset changeset = dataSource.begin()) {
            assertThatThrownBy(dataSource::begin).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aChangesetWhoseConnectionWasLostClosesWithoutHidingWhatEndedIt() throws SQLException {
        ChangesetDataSource lost = new ChangesetDataSource(new LostConnections(pool));
        ChangesetDataSource.Changeset changeset = lost.begin();

        // The request that failed answers for the changeset; the rollback that cannot run is no second failure.
        org.assertj.core.api.Assertions.assertThatCode(changeset::close).doesNotThrowAnyException();
        assertThat(rowsSeenByAnotherConnection()).isZero();
    }
}
