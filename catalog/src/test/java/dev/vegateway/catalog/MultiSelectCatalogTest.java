package dev.vegateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code MultiEnum(set)} field type (a multi-select option set) and its stored and wire forms. */
class MultiSelectCatalogTest {
    private static final String SET =
            """
            optionSets:
              - name: channel
                members:
                  - { name: Online, value: 100000001, stored: 1 }
                  - { name: Retail, value: 100000002, stored: 2 }
                  - { name: Market, value: 100000011, stored: 11 }
            """;

    private static String entity(String field) {
        return """
                entities:
                  - logicalName: mserp_thing
                    entitySetName: mserp_things
                    table: thing
                    fields:
                      - { name: mserp_thingid, column: id, type: Guid }
                """
                + "      " + field + "\n";
    }

    private static List<Problem> problems(String yaml) {
        return catchThrowableOfType(ProblemsException.class, () -> CatalogLoader.load("test.yaml", yaml))
                .problems();
    }

    @Test
    void aMultiEnumFieldNamesItsOptionSet() {
        Catalog catalog = CatalogLoader.load(
                "test.yaml", SET + entity("- { name: mserp_channels, column: channels, type: MultiEnum(channel) }"));
        FieldType type = catalog.byLogicalName("mserp_thing")
                .orElseThrow()
                .field("mserp_channels")
                .orElseThrow()
                .type();
        assertThat(type.kind()).isEqualTo(FieldType.Kind.MULTI_ENUM);
        assertThat(type.optionSet()).contains("channel");
        assertThat(type).hasToString("MultiEnum(channel)");
    }

    @Test
    void anUndeclaredSetOrADefaultIsRefusedWithItsLine() {
        assertThat(problems(SET + entity("- { name: mserp_channels, column: channels, type: MultiEnum(nope) }")))
                .extracting(Problem::toString)
                .anySatisfy(problem -> assertThat(problem).contains("option set 'nope' is not declared"));
        assertThat(
                        problems(
                                SET
                                        + entity(
                                                "- { name: mserp_channels, column: channels, type: MultiEnum(channel), default: Online }")))
                .extracting(Problem::toString)
                .anySatisfy(problem -> assertThat(problem).contains("has no default value"));
    }

    @Test
    void storedListsMapToWireListsAndBack() {
        OptionSet set = CatalogLoader.load(
                        "test.yaml",
                        SET + entity("- { name: mserp_channels, column: channels, type: MultiEnum(channel) }"))
                .optionSet("channel")
                .orElseThrow();
        assertThat(MultiSelectValues.toWire("1,11", set)).isEqualTo("100000001,100000011");
        assertThat(MultiSelectValues.toWire(" 2 , 1 ,", set)).isEqualTo("100000002,100000001");
        // a stored value the set does not know is passed through, as an Enum's is
        assertThat(MultiSelectValues.toWire("1,5", set)).isEqualTo("100000001,5");
        assertThat(MultiSelectValues.members("11,x,1", set))
                .extracting(OptionSet.Member::name)
                .containsExactly("Market", "Online");
        assertThat(MultiSelectValues.toStored(List.of(
                        set.byName("Market").orElseThrow(),
                        set.byName("Online").orElseThrow(),
                        set.byName("Market").orElseThrow())))
                .isEqualTo("1,11");
    }
}
