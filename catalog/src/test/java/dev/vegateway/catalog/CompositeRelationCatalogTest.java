package dev.vegateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Relations over several fields: the syntax, the lookup field they add, and their file/line errors. */
class CompositeRelationCatalogTest {
    private static final String RELATION =
            "      - { name: PaymentTerms, field: [termid, dataareaid], target: terms, targetField: [termid, dataareaid] }\n";

    private static String catalog(String relation) {
        return """
            entities:
              - logicalName: terms
                entitySetName: termses
                table: terms
                key: [dataareaid, termid]
                companyField: dataareaid
                fields:
                  - { name: dataareaid, column: data_area_id, type: String(4) }
                  - { name: termid, column: terms_id, type: String(10) }
                  - { name: days, column: days, type: Int32 }
              - logicalName: grp
                entitySetName: grps
                table: grp
                key: grpid
                companyField: dataareaid
                relations:
            """
                + relation
                + """
                fields:
                  - { name: grpid, column: id, type: Guid }
                  - { name: dataareaid, column: data_area_id, type: String(4), required: true }
                  - { name: termid, column: terms, type: String(10) }
                  - { name: days, column: days, type: Int32 }
            """;
    }

    @Test
    void aRelationOverSeveralFieldsAddsALookupOfTheTargetsDerivedGuid() {
        Catalog catalog = CatalogLoader.load("catalog.yaml", catalog(RELATION));
        EntityDefinition group = catalog.byLogicalName("grp").orElseThrow();
        RelationDefinition relation = group.relation("PaymentTerms").orElseThrow();
        assertThat(relation.field()).isEqualTo("paymenttermsid");
        assertThat(relation.targetField()).isEqualTo("termsid");
        // pairs in the order of the target's natural key
        assertThat(relation.composite().orElseThrow().fields()).containsExactly("dataareaid", "termid");
        assertThat(relation.composite().orElseThrow().targetFields()).containsExactly("dataareaid", "termid");
        FieldDefinition lookup = group.field("paymenttermsid").orElseThrow();
        assertThat(lookup.readOnly()).isTrue();
        assertThat(lookup.computed()).isTrue();
        assertThat(lookup.required()).isFalse(); // termid may be null
        DerivedKey targetKey =
                catalog.byLogicalName("terms").orElseThrow().derivedKey().orElseThrow();
        DerivedKey lookupKey = lookup.derived().orElseThrow().key();
        assertThat(lookupKey.guid(List.of("usmf", "Net30"))).isEqualTo(targetKey.guid(List.of("usmf", "Net30")));
        assertThat(catalog.location("grp", Optional.of("paymenttermsid"))).hasValue("catalog.yaml:17");
        Catalog named =
                CatalogLoader.load("catalog.yaml", catalog(RELATION.replace(" }\n", ", lookupField: termslookup }\n")));
        assertThat(named.byLogicalName("grp")
                        .orElseThrow()
                        .relation("PaymentTerms")
                        .orElseThrow()
                        .field())
                .isEqualTo("termslookup");
    }

    @Test
    void mistakesAreReportedWithTheirKey() {
        assertThat(problems(catalog(RELATION.replace("targetField: [termid, dataareaid]", "targetField: termid"))))
                .extracting(Problem::key)
                .containsExactly("entities[1].relations[0].targetField");
        assertThat(problems(
                        catalog(RELATION.replace("targetField: [termid, dataareaid]", "targetField: [termid, days]"))))
                .extracting(Problem::message)
                .containsExactly("targetField [termid, days] must be the natural key of 'terms' ([dataareaid, termid],"
                        + " in any order), so that it identifies one record of it");
        assertThat(problems(catalog(RELATION.replace("field: [termid, dataareaid]", "field: [days, dataareaid]"))))
                .extracting(Problem::message)
                .containsExactly("field 'days' is Int32, but it refers to 'terms.termid', which is String(10)");
        assertThat(problems(catalog(RELATION.replace("field: [termid, dataareaid]", "field: [termid, nope]"))))
                .extracting(Problem::key, Problem::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "entities[1].relations[0].field[1]", "field 'nope' is not one of the entity's fields"));
        assertThat(problems(catalog(RELATION.replace("field: [termid, dataareaid]", "field: [termid]"))))
                .extracting(Problem::message)
                .anyMatch(message -> message.startsWith("field lists at least two fields"));
        assertThat(problems(catalog(RELATION.replace(" }\n", ", lookupField: days }\n"))))
                .extracting(Problem::message)
                .anyMatch(message -> message.contains("collides with field 'days'"));
        assertThat(problems(catalog(RELATION.replace(
                        "targetField: [termid, dataareaid]", "targetField: [termid, dataareaid, days]"))))
                .extracting(Problem::message)
                .anyMatch(message -> message.contains("field lists 2, targetField 3"));
    }

    private static List<Problem> problems(String yaml) {
        ProblemsException thrown =
                catchThrowableOfType(ProblemsException.class, () -> CatalogLoader.load("catalog.yaml", yaml));
        assertThat(thrown).as("expected problems").isNotNull();
        return thrown.problems();
    }
}
