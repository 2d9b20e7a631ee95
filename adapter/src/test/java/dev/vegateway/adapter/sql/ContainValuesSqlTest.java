package dev.vegateway.adapter.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.query.ColumnRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ContainValues/DoesNotContainValues rendered per dialect (the exact SQL and parameters), then run
 * on H2 and on an embedded PostgreSQL over the same lists: whole items only (1 never matches 11),
 * a null list holds no value.
 */
class ContainValuesSqlTest {
    private static final FieldDefinition CHANNELS =
            new FieldDefinition("channels", "channels", FieldType.multiEnumeration("channel"), false, false, Map.of());
    private static final ColumnRef COLUMN = new ColumnRef("t", CHANNELS);
    /** Row n holds LISTS[n - 1]. */
    private static final List<String> LISTS = List.of("1", "11", "1,11", "2,3", "3,11,21", "21");

    private static DataSource h2;
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void createTheTables() throws SQLException, java.io.IOException {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:containvalues"
                + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE");
        h2 = dataSource;
        postgres = EmbeddedPostgres.builder().start();
        for (DataSource database : List.of(h2, postgres.getPostgresDatabase())) {
            try (Connection connection = database.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE lists (n INTEGER PRIMARY KEY, channels VARCHAR(200))");
                for (int n = 1; n <= LISTS.size(); n++) {
                    statement.execute("INSERT INTO lists VALUES (" + n + ", '" + LISTS.get(n - 1) + "')");
                }
                statement.execute("INSERT INTO lists VALUES (7, NULL)");
            }
        }
    }

    @AfterAll
    static void stop() throws java.io.IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static PreparedSql render(Dialect dialect, Condition condition) {
        SqlBuilder sql = new SqlBuilder(dialect);
        new SqlRenderer(dialect).condition(sql, condition);
        return sql.build();
    }

    private static Condition contain(boolean negated, int... values) {
        List<Literal> literals = new ArrayList<>();
        for (int value : values) {
            literals.add(new Literal(value));
        }
        return new Condition.ContainValues(COLUMN, literals, negated);
    }

    private static List<Integer> rows(DataSource database, Dialect dialect, Condition condition) throws SQLException {
        PreparedSql where = render(dialect, condition);
        List<Integer> found = new ArrayList<>();
        try (Connection connection = database.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT n FROM lists t WHERE " + where.sql() + " ORDER BY n")) {
            for (int index = 0; index < where.parameters().size(); index++) {
                statement.setObject(index + 1, where.parameters().get(index));
            }
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    found.add(result.getInt(1));
                }
            }
        }
        return found;
    }

    @Test
    void rendersBoundPatternsOverTheDelimitedList() {
        for (Dialect dialect : List.of(H2Dialect.INSTANCE, PostgreSqlDialect.INSTANCE)) {
            PreparedSql contain = render(dialect, contain(false, 1, 11));
            assertThat(contain.sql())
                    .isEqualTo("(COALESCE(',' || t.\"channels\" || ',', ',') LIKE ? OR COALESCE(',' || t.\"channels\""
                            + " || ',', ',') LIKE ?)");
            assertThat(contain.parameters()).containsExactly("%,1,%", "%,11,%");
            PreparedSql none = render(dialect, contain(true, 3));
            assertThat(none.sql()).isEqualTo("NOT (COALESCE(',' || t.\"channels\" || ',', ',') LIKE ?)");
            assertThat(none.parameters()).containsExactly("%,3,%");
        }
    }

    @Test
    void matchesWholeItemsOnBothBackends() throws SQLException {
        for (DataSource database : List.of(h2, postgres.getPostgresDatabase())) {
            Dialect dialect = database == h2 ? H2Dialect.INSTANCE : PostgreSqlDialect.INSTANCE;
            assertThat(rows(database, dialect, contain(false, 1))).containsExactly(1, 3);
            assertThat(rows(database, dialect, contain(false, 11))).containsExactly(2, 3, 5);
            assertThat(rows(database, dialect, contain(false, 1, 21))).containsExactly(1, 3, 5, 6);
            assertThat(rows(database, dialect, contain(false, 4))).isEmpty();
            // DoesNotContainValues: none of the values, a null list included
            assertThat(rows(database, dialect, contain(true, 1))).containsExactly(2, 4, 5, 6, 7);
            assertThat(rows(database, dialect, contain(true, 1, 3))).containsExactly(2, 6, 7);
        }
    }
}
