package dev.vegateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A refresh's comparison of an entity's table with its fields, and visibility overrides. */
class TableDriftTest {
    private static final String CATALOG =
            """
            entities:
              - logicalName: mserp_itementity
                entitySetName: mserp_itementities
                table: erp.item
                fields:
                  - { name: mserp_itementityid, column: id, type: Guid }
                  - { name: mserp_name, column: name, type: String(40) }
                  - { name: mserp_code, column: code, type: String(10) }
                  - { name: mserp_quantity, column: quantity, type: Int32 }
                  - { name: mserp_weight, column: weight, type: "Decimal(10,2)" }
              - logicalName: mserp_otherentity
                entitySetName: mserp_otherentities
                table: erp.other
                visible: false
                fields:
                  - { name: mserp_otherentityid, column: id, type: Guid }
            """;

    private Connection connection;

    @BeforeEach
    void openDatabase() throws SQLException {
        connection = DriverManager.getConnection(
                "jdbc:h2:mem:drift_" + UUID.randomUUID().toString().replace("-", "") + ";DATABASE_TO_LOWER=TRUE");
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        connection.close();
    }

    @Test
    void aMatchingTableIsUnchanged() throws SQLException {
        execute(
                "CREATE SCHEMA erp",
                "CREATE TABLE erp.item (id UUID, name VARCHAR(40), code VARCHAR(10), quantity INTEGER,"
                        + " weight NUMERIC(10,2))");

        TableDrift drift = SchemaCheck.drift(item(), connection);

        assertThat(drift.unchanged()).isTrue();
        assertThat(drift.found()).isTrue();
        assertThat(drift.table()).isEqualTo("erp.item");
    }

    @Test
    void addedRemovedAndRetypedColumnsAreReported() throws SQLException {
        execute(
                "CREATE SCHEMA erp",
                // code is gone, quantity became text, name shrank below the field's length, two columns are new
                "CREATE TABLE erp.item (id UUID, name VARCHAR(20), quantity VARCHAR(5), weight NUMERIC(10,2),"
                        + " colour VARCHAR(12), created DATE)");

        TableDrift drift = SchemaCheck.drift(item(), connection);

        assertThat(drift.unchanged()).isFalse();
        assertThat(drift.added())
                .extracting(TableDrift.Column::column, TableDrift.Column::type)
                .containsExactly(tuple("colour", "CHARACTER VARYING(12)"), tuple("created", "DATE"));
        assertThat(drift.removed())
                .extracting(TableDrift.MappedColumn::field, TableDrift.MappedColumn::column)
                .containsExactly(tuple("mserp_code", "code"));
        assertThat(drift.retyped())
                .extracting(
                        TableDrift.Retyped::field,
                        TableDrift.Retyped::column,
                        TableDrift.Retyped::catalogType,
                        TableDrift.Retyped::backendType)
                .containsExactly(
                        tuple("mserp_name", "name", "String(40)", "CHARACTER VARYING(20)"),
                        tuple("mserp_quantity", "quantity", "Int32", "CHARACTER VARYING(5)"));
    }

    @Test
    void aMissingTableRemovesEveryColumn() throws SQLException {
        TableDrift drift = SchemaCheck.drift(item(), connection);

        assertThat(drift.found()).isFalse();
        assertThat(drift.unchanged()).isFalse();
        assertThat(drift.removed())
                .extracting(TableDrift.MappedColumn::column)
                .containsExactly("id", "name", "code", "quantity", "weight");
    }

    @Test
    void visibilityOverridesChangeOnlyTheNamedEntities() {
        Catalog catalog = CatalogLoader.load("catalog.yaml", CATALOG);

        Catalog changed = catalog.withVisibility(
                Map.of("mserp_itementity", false, "mserp_otherentity", true, "mserp_gone", false));

        assertThat(changed.byLogicalName("mserp_itementity").orElseThrow().visible())
                .isFalse();
        assertThat(changed.byLogicalName("mserp_otherentity").orElseThrow().visible())
                .isTrue();
        assertThat(catalog.byLogicalName("mserp_itementity").orElseThrow().visible())
                .as("the catalog itself is immutable")
                .isTrue();
        assertThat(changed.sourceLocation("mserp_itementity", java.util.Optional.empty()))
                .as("source locations are kept")
                .isEqualTo(catalog.sourceLocation("mserp_itementity", java.util.Optional.empty()));
        assertThat(catalog.withVisibility(Map.of("mserp_itementity", true))).isSameAs(catalog);
    }

    private EntityDefinition item() {
        return CatalogLoader.load("catalog.yaml", CATALOG)
                .byLogicalName("mserp_itementity")
                .orElseThrow();
    }

    private void execute(String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
