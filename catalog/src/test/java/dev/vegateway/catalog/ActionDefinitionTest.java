package dev.vegateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActionDefinitionTest {
    @Test
    void actionsNeedEitherSqlOrAHandlerAndActionTypes() {
        assertThatThrownBy(() -> new ActionDefinition(
                        "A",
                        Optional.empty(),
                        List.of(),
                        Optional.empty(),
                        Optional.of("SELECT 1"),
                        Optional.of("a.B")))
                .hasMessageContaining("either sql or a handler class");
        assertThatThrownBy(() -> new ActionDefinition(
                        "A",
                        Optional.empty(),
                        List.of(),
                        Optional.of(FieldType.of(FieldType.Kind.DOUBLE)),
                        Optional.empty(),
                        Optional.of("a.B")))
                .hasMessage("action A cannot return Double");
        assertThatThrownBy(() -> new ActionDefinition(
                        "A",
                        Optional.empty(),
                        List.of(),
                        Optional.empty(),
                        Optional.of("UPDATE t SET a = ?"),
                        Optional.empty()))
                .hasMessageContaining("positional parameter");
        assertThatThrownBy(() -> new ActionParameter("P", FieldType.enumeration("status"), false))
                .hasMessage("parameter P: Enum(status) is not an action type");
    }

    @Test
    void aBoundSqlActionExposesItsStatement() {
        ActionDefinition action = new ActionDefinition(
                "Hold",
                Optional.of("account"),
                List.of(new ActionParameter("Reason", FieldType.string(10), true)),
                Optional.empty(),
                Optional.of("UPDATE account SET reason = :Reason WHERE id = :key"),
                Optional.empty());

        assertThat(action.isBound()).isTrue();
        assertThat(action.statement().orElseThrow().parameterNames()).containsExactly("Reason", "key");
        assertThat(action.parameter("Reason")).isPresent();
        assertThat(action.parameter("reason")).isEmpty();
    }
}
