package dev.vegateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NamedParameterSqlTest {
    @Test
    void replacesEachNamedParameterWithAPlaceholderInOrder() {
        NamedParameterSql statement =
                NamedParameterSql.parse("UPDATE t SET a = :A, b = :user_id WHERE id = :key AND a <> :A");

        assertThat(statement.jdbcSql()).isEqualTo("UPDATE t SET a = ?, b = ? WHERE id = ? AND a <> ?");
        assertThat(statement.parameterNames()).containsExactly("A", "user_id", "key", "A");
    }

    @Test
    void leavesLiteralsIdentifiersCommentsCastsAndDollarQuotesAlone() {
        String sql =
                """
                SELECT ':a', 'it''s :b', "col:c", x::int, $$ :d ; ? $$, $body$ :e $body$ -- :f ?
                /* :g ; ? */ FROM t WHERE y = :h""";

        NamedParameterSql statement = NamedParameterSql.parse(sql);

        assertThat(statement.parameterNames()).containsExactly("h");
        assertThat(statement.jdbcSql()).isEqualTo(sql.replace(":h", "?"));
    }

    @Test
    void dropsATrailingSemicolonAndAcceptsTrailingComments() {
        assertThat(NamedParameterSql.parse("CALL erp.place_on_hold(:key, :Reason);  -- done\n")
                        .jdbcSql())
                .isEqualTo("CALL erp.place_on_hold(?, ?)  -- done");
        assertThat(NamedParameterSql.parse("DELETE FROM t;").jdbcSql()).isEqualTo("DELETE FROM t");
    }

    @Test
    void aColonNotFollowedByANameIsText() {
        assertThat(NamedParameterSql.parse("SELECT a[1:2], : FROM t").parameterNames())
                .isEmpty();
        assertThat(NamedParameterSql.parse("SELECT :_x1 FROM t").parameterNames())
                .isEqualTo(List.of("_x1"));
    }

    @Test
    void refusesWhatItCannotBindSafely() {
        assertThatThrownBy(() -> NamedParameterSql.parse("UPDATE t SET a = ?"))
                .hasMessageContaining("positional parameter '?'");
        assertThatThrownBy(() -> NamedParameterSql.parse("DELETE FROM a; DELETE FROM b"))
                .hasMessageStartingWith("must be one statement");
        assertThatThrownBy(() -> NamedParameterSql.parse("SELECT 'open"))
                .hasMessage("has an unterminated text literal starting at character 8");
        assertThatThrownBy(() -> NamedParameterSql.parse("SELECT \"open"))
                .hasMessage("has an unterminated quoted identifier starting at character 8");
        assertThatThrownBy(() -> NamedParameterSql.parse("SELECT 1 /* open"))
                .hasMessage("has an unterminated comment starting at character 10");
        assertThatThrownBy(() -> NamedParameterSql.parse("DO $x$ open"))
                .hasMessage("has an unterminated dollar-quoted text $x$ starting at character 4");
        assertThatThrownBy(() -> NamedParameterSql.parse(" -- nothing\n"))
                .hasMessage("must be a SQL statement, was only comments or blank");
    }
}
