package dev.vegateway.adapter.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.catalog.FieldDefinition;
import java.io.StringWriter;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void writesTheRowsOfTheRangeOldestFirstAsJsonLinesWithTheAuditSetsFieldNames() throws Exception {
        AuditRows rows = new AuditRows();
        rows.insert(START.minusSeconds(1), 1);
        java.util.UUID first = rows.insert(START, AuditExport.FETCH_SIZE + 3);
        rows.insert(START.plus(Duration.ofHours(1)), 2);
        StringWriter out = new StringWriter();
        long written;
        try (Connection connection = rows.database.getConnection()) {
            written = new AuditExport(rows.audit).write(connection, START, START.plus(Duration.ofHours(1)), out);
            assertThat(connection.getAutoCommit()).isTrue();
            assertThat(connection.isReadOnly()).isFalse();
        }
        assertThat(written).isEqualTo(AuditExport.FETCH_SIZE + 3);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(AuditExport.FETCH_SIZE + 3);
        assertThat(out.toString()).endsWith("}\n");
        List<JsonNode> objects = new ArrayList<>();
        for (String line : lines) {
            objects.add(JSON.readTree(line));
        }
        JsonNode head = objects.get(0);
        List<String> names = new ArrayList<>();
        head.fieldNames().forEachRemaining(names::add);
        assertThat(names)
                .containsExactlyElementsOf(rows.audit.entity().fields().stream()
                        .map(FieldDefinition::logicalName)
                        .toList());
        assertThat(head.get("vegateway_dataauditid").asText()).isEqualTo(first.toString());
        assertThat(head.get("vegateway_changedon").asText()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(head.get("vegateway_userid").asText()).isEqualTo(new java.util.UUID(0, 5).toString());
        assertThat(head.get("vegateway_operation").asText()).isEqualTo("update");
        assertThat(JSON.readTree(head.get("vegateway_changes").asText())
                        .at("/mserp_name/new")
                        .asText())
                .isEqualTo("b 0");
        assertThat(objects.get(objects.size() - 1).get("vegateway_changedon").asText())
                .isEqualTo("2025-03-01T10:00:00.502Z");
        assertThat(objects)
                .extracting(object ->
                        Instant.parse(object.get("vegateway_changedon").asText()))
                .isSorted();
    }

    @Test
    void anEmptyRangeWritesNothingAndAnInvertedOneIsRefused() throws Exception {
        AuditRows rows = new AuditRows();
        rows.insert(START, 2);
        StringWriter out = new StringWriter();
        try (Connection connection = rows.database.getConnection()) {
            assertThat(new AuditExport(rows.audit).write(connection, START.plusSeconds(1), START.plusSeconds(2), out))
                    .isZero();
            assertThat(out.toString()).isEmpty();
            assertThatThrownBy(() -> new AuditExport(rows.audit).write(connection, START, START, out))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("since (2025-03-01T10:00:00Z) must be before until (2025-03-01T10:00:00Z)");
        }
    }
}
