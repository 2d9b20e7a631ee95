package dev.vegateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Option-set values on the wire and in the backend, Boolean labels and labels in several languages (issue 12). */
class CatalogOptionSetsTest {
    private static final String ENTITY =
            """
            entities:
              - logicalName: mserp_thing
                entitySetName: mserp_things
                table: thing
                labels: Things
                fields:
                  - { name: mserp_thingid, column: id, type: Guid, labels: { en-US: Id, de-DE: Kennung } }
                  - { name: mserp_status, column: status, type: Enum(status) }
                  - { name: mserp_active, column: active, type: Boolean(noyes) }
            """;

    private static final String NO_YES =
            """
              - name: noyes
                members:
                  - { name: "No", value: 0 }
                  - { name: "Yes", value: 1 }
            """;

    private static List<Problem> problems(String yaml) {
        return catchThrowableOfType(ProblemsException.class, () -> CatalogLoader.load("test.yaml", yaml))
                .problems();
    }

    @Test
    void membersWithoutValuesAreNumberedInDeclarationOrder() {
        Catalog catalog = CatalogLoader.load(
                "test.yaml",
                """
                optionSets:
                  - name: status
                    members:
                      - { name: Open, labels: Open }
                      - { name: Closed, labels: { en-US: Closed, de-DE: Geschlossen } }
                """
                        + NO_YES
                        + ENTITY);
        OptionSet status = catalog.optionSet("status").orElseThrow();
        assertThat(status.members())
                .extracting(OptionSet.Member::name, OptionSet.Member::value, OptionSet.Member::stored)
                .containsExactly(tuple("Open", 0, 0), tuple("Closed", 1, 1));
        // a plain label is in the catalog's default language
        assertThat(status.members().get(0).labels()).isEqualTo(Map.of("en-US", "Open"));
        assertThat(catalog.byLogicalName("mserp_thing").orElseThrow().labels()).isEqualTo(Map.of("en-US", "Things"));
        assertThat(catalog.defaultLanguage()).isEqualTo("en-US");
        FieldDefinition active = catalog.byLogicalName("mserp_thing")
                .orElseThrow()
                .field("mserp_active")
                .orElseThrow();
        assertThat(active.type().kind()).isEqualTo(FieldType.Kind.BOOLEAN);
        assertThat(active.type().optionSet()).contains("noyes");
        assertThat(active.type()).hasToString("Boolean(noyes)");
    }

    @Test
    void storedValuesMayDifferFromTheWireValues() {
        Catalog catalog = CatalogLoader.load(
                "test.yaml",
                """
                defaultLanguage: de-DE
                optionSets:
                  - name: status
                    members:
                      - { name: Open, value: 100000000, stored: 10, labels: Offen }
                      - { name: Closed, value: 100000001, stored: 20 }
                """
                        + NO_YES
                        + ENTITY);
        OptionSet status = catalog.optionSet("status").orElseThrow();
        assertThat(status.byValue(100000001).orElseThrow().stored()).isEqualTo(20);
        assertThat(status.byStored(10).orElseThrow().value()).isEqualTo(100000000);
        assertThat(status.byValue(10)).isEmpty();
        assertThat(catalog.defaultLanguage()).isEqualTo("de-DE");
        assertThat(status.members().get(0).labels()).isEqualTo(Map.of("de-DE", "Offen"));
        assertThat(catalog.byLogicalName("mserp_thing").orElseThrow().labels()).isEqualTo(Map.of("de-DE", "Things"));
    }

    @Test
    void mixedValuesDuplicateStoredValuesBadBooleansAndLanguagesAreReported() {
        List<Problem> problems = problems(
                """
                defaultLanguage: "not a language"
                optionSets:
                  - name: status
                    members:
                      - { name: Open, value: 1, stored: 5 }
                      - { name: Closed }
                      - { name: Held, value: 2, stored: 5 }
                  - name: noyes
                    members:
                      - { name: "No", value: 0 }
                      - { name: "Yes", value: 2 }
                """
                        + ENTITY);
        assertThat(problems)
                .extracting(Problem::line, Problem::key)
                .containsExactlyInAnyOrder(
                        tuple(1, "defaultLanguage"),
                        tuple(6, "optionSets[0].members[1].value"),
                        tuple(7, "optionSets[0].members[2].stored"),
                        tuple(20, "entities[0].fields[2].type"));
        assertThat(problems)
                .filteredOn(problem -> problem.key().equals("entities[0].fields[2].type"))
                .extracting(Problem::message)
                .allMatch(message -> message.contains("value 0 (false) and 1 (true)"));
    }
}
