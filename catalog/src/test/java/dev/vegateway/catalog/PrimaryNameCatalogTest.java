package dev.vegateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import org.junit.jupiter.api.Test;

/** The optional {@code primaryName:} of an entity: a String field naming its rows. */
class PrimaryNameCatalogTest {
    private static String catalog(String primaryName) {
        return """
                entities:
                  - logicalName: mserp_thing
                    entitySetName: mserp_things
                    table: thing
                """
                + primaryName
                + """
                    fields:
                      - { name: mserp_thingid, column: id, type: Guid }
                      - { name: mserp_name, column: name, type: String(100) }
                      - { name: mserp_size, column: size, type: Int32 }
                """;
    }

    @Test
    void namesAStringFieldOrNothing() {
        assertThat(CatalogLoader.load("test.yaml", catalog("    primaryName: mserp_name\n"))
                        .byLogicalName("mserp_thing")
                        .orElseThrow()
                        .primaryName())
                .contains("mserp_name");
        assertThat(CatalogLoader.load("test.yaml", catalog(""))
                        .byLogicalName("mserp_thing")
                        .orElseThrow()
                        .primaryName())
                .isEmpty();
    }

    @Test
    void anotherTypeOrAnUnknownFieldIsRefusedWithItsLine() {
        assertThat(catchThrowableOfType(
                                ProblemsException.class,
                                () -> CatalogLoader.load("test.yaml", catalog("    primaryName: mserp_size\n")))
                        .problems())
                .extracting(Problem::key, Problem::line)
                .containsExactly(org.assertj.core.api.Assertions.tuple("entities[0].primaryName", 5));
        assertThat(catchThrowableOfType(
                                ProblemsException.class,
                                () -> CatalogLoader.load("test.yaml", catalog("    primaryName: mserp_nope\n")))
                        .problems())
                .extracting(Problem::message)
                .anySatisfy(message -> assertThat(message).contains("mserp_nope"));
    }
}
