package dev.vegateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code key: [field, ...]}, {@code keyColumn} and {@code alternateKeys} in the catalog file. */
class NaturalKeyCatalogTest {
    private static final String CUSTOMER =
            """
            entities:
              - logicalName: mserp_custcustomerv3entity
                entitySetName: mserp_custcustomerv3entities
                table: custtable
                key: [dataareaid, accountnum]
                companyField: dataareaid
                fields:
                  - { name: dataareaid, column: dataareaid, type: String(4) }
                  - { name: accountnum, column: accountnum, type: String(20) }
                  - { name: name, column: name, type: String(60) }
                  - { name: email, column: email, type: String(80) }
                  - { name: since, column: since, type: Date }
                alternateKeys:
                  - { name: byemail, fields: [email] }
            """;

    @Test
    void aNaturalKeyAddsTheDerivedGuidPrimaryFieldAndCompanyFields() {
        EntityDefinition entity =
                CatalogLoader.load("catalog.yaml", CUSTOMER).entities().get(0);

        assertThat(entity.keyField()).isEqualTo("mserp_custcustomerv3entityid");
        FieldDefinition key = entity.key();
        assertThat(key.type().kind()).isEqualTo(FieldType.Kind.GUID);
        assertThat(key.readOnly()).isTrue();
        assertThat(key.computed()).isTrue();
        assertThat(entity.derivedKey().orElseThrow().fieldNames()).containsExactly("dataareaid", "accountnum");
        assertThat(entity.derivedKey().orElseThrow().scheme()).isEqualTo(DerivedKey.Scheme.NAME_HASH);
        assertThat(entity.keyStrategy()).isEqualTo(KeyStrategy.CLIENT);
        assertThat(entity.field("mserp_primaryfield").orElseThrow().type()).isEqualTo(FieldType.string(255));
        FieldDefinition company = entity.field("mserp_dataareaid").orElseThrow();
        assertThat(company.column()).isEqualTo("dataareaid");
        assertThat(company.readOnly()).isTrue();
        assertThat(entity.field("accountnum").orElseThrow().required()).isTrue();
        assertThat(entity.alternateKeys())
                .containsExactly(
                        new AlternateKey("naturalkey", List.of("dataareaid", "accountnum")),
                        new AlternateKey("byemail", List.of("email")));
    }

    @Test
    void theDerivedGuidDependsOnlyOnTheEntityAndTheKeyValues() {
        EntityDefinition entity =
                CatalogLoader.load("catalog.yaml", CUSTOMER).entities().get(0);
        EntityDefinition again =
                CatalogLoader.load("other.yaml", CUSTOMER).entities().get(0);
        DerivedKey key = entity.derivedKey().orElseThrow();

        UUID guid = key.guid(List.of("usmf", "US-0001"));
        assertThat(again.derivedKey().orElseThrow().guid(List.of("usmf", "US-0001")))
                .isEqualTo(guid);
        assertThat(key.guid(List.of("usmf", "US-0002"))).isNotEqualTo(guid);
        // the separator is escaped: ("a|b", "c") and ("a", "b|c") differ
        assertThat(key.guid(List.of("a|b", "c"))).isNotEqualTo(key.guid(List.of("a", "b|c")));
        assertThat(key.name(List.of("a|b", "c\\"))).isEqualTo("mserp_custcustomerv3entity|a\\|b|c\\\\");
        assertThat(key.primaryText(List.of("usmf", "US-0001"))).isEqualTo("usmf|US-0001");
        assertThat(key.primaryText(List.of("x".repeat(200), "y".repeat(200)))).hasSize(255);
    }

    @Test
    void aSingleIntegerKeyIsEncodedReversibly() {
        String yaml = CUSTOMER.replace("key: [dataareaid, accountnum]", "key: [recid]")
                        .replace("    alternateKeys:\n      - { name: byemail, fields: [email] }\n", "")
                + "      - { name: recid, column: recid, type: Int64 }\n";
        EntityDefinition entity =
                CatalogLoader.load("catalog.yaml", yaml).entities().get(0);
        DerivedKey key = entity.derivedKey().orElseThrow();

        assertThat(key.scheme()).isEqualTo(DerivedKey.Scheme.RECORD_ID);
        UUID guid = key.guid(List.of(5637144576L));
        assertThat(guid.toString())
                .startsWith(key.entityNumberHex() + "-0000-0000-")
                .endsWith("000150000000");
        assertThat(key.decode(guid)).contains(5637144576L);
        assertThat(key.decode(new UUID(1L << 32, 5637144576L))).isEmpty();
        // the database fills a RecId by default: clients cannot set it
        assertThat(entity.keyStrategy()).isEqualTo(KeyStrategy.GENERATED);
        assertThat(entity.field("recid").orElseThrow().readOnly()).isTrue();
    }

    @Test
    void reportsNaturalKeyMistakesWithTheirLines() {
        String yaml = CUSTOMER.replace(
                        "key: [dataareaid, accountnum]", "key: [dataareaid, accountnum, missing, score, dataareaid]")
                .replace("    companyField: dataareaid\n", "    companyField: dataareaid\n    keyStrategy: generated\n")
                .replace(
                        "      - { name: since, column: since, type: Date }\n",
                        "      - { name: since, column: since, type: Date }\n"
                                + "      - { name: score, column: score, type: Double }\n"
                                + "      - { name: mserp_custcustomerv3entityid, column: id, type: Guid }\n")
                .replace("fields: [email]", "fields: [email, nothing]");

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::message)
                .containsExactlyInAnyOrder(
                        tuple(
                                15,
                                "'mserp_custcustomerv3entityid' is the GUID the gateway derives from the natural key"
                                        + " [dataareaid, accountnum, missing, score, dataareaid]; remove this field (or"
                                        + " declare key: mserp_custcustomerv3entityid if the table has a GUID column)"),
                        tuple(5, "field 'missing' is not one of the entity's fields"),
                        tuple(
                                5,
                                "field 'score' is Double; a key part is String, Int32, Int64, Guid, Date or Boolean (a"
                                        + " value whose text is the same on every backend)"),
                        tuple(5, "field 'dataareaid' is listed twice in the key"),
                        tuple(17, "field 'nothing' is not one of the entity's fields"));
    }

    @Test
    void aCompositeKeyTakesItsValuesFromTheClient() {
        String yaml = CUSTOMER.replace(
                "    companyField: dataareaid\n", "    companyField: dataareaid\n    keyStrategy: generated\n");

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::message)
                .containsExactly(tuple(
                        7,
                        "a composite natural key takes its values from the client: keyStrategy must be client (the"
                                + " default), was 'generated'"));
    }

    @Test
    void aRelationToANaturalKeyEntityNamesItsTargetField() {
        String yaml = CUSTOMER
                + """
                  - logicalName: salesorder
                    entitySetName: salesorders
                    table: salesorder
                    fields:
                      - { name: salesorderid, column: id, type: Guid }
                      - { name: customer, column: customer, type: Guid }
                    relations:
                      - { name: customerref, field: customer, target: mserp_custcustomerv3entity }
                """;

        assertThat(problems(yaml))
                .extracting(Problem::message)
                .containsExactly("entity 'mserp_custcustomerv3entity' derives its GUID key from a natural key; name the"
                        + " targetField the lookup field refers to (one of its fields)");
    }

    @Test
    void keyValuesOfEveryAllowedTypeHashAsDocumented() {
        DerivedKey key = new DerivedKey(
                "e",
                List.of(
                        new FieldDefinition(
                                "d", "d", FieldType.of(FieldType.Kind.DATE), true, false, java.util.Map.of()),
                        new FieldDefinition(
                                "b", "b", FieldType.of(FieldType.Kind.BOOLEAN), true, false, java.util.Map.of()),
                        new FieldDefinition(
                                "g", "g", FieldType.of(FieldType.Kind.GUID), true, false, java.util.Map.of()),
                        new FieldDefinition(
                                "i", "i", FieldType.of(FieldType.Kind.INT32), true, false, java.util.Map.of())),
                java.util.Optional.empty());

        assertThat(key.name(List.of(
                        LocalDate.of(1970, 1, 2), true, UUID.fromString("0A1B2C3D-0000-4000-8000-00000000ABCD"), -7)))
                .isEqualTo("e|1|true|0a1b2c3d-0000-4000-8000-00000000abcd|-7");
    }

    @Test
    void aBoundActionsSqlMayNameTheNaturalKeysPartsAndOnlyThose() {
        String actions =
                """
                actions:
                  - name: Rename
                    boundTo: mserp_custcustomerv3entity
                    sql: "UPDATE custtable SET name = 'x' WHERE dataareaid = :key_dataareaid AND accountnum = :key_accountnum"
                """;
        ActionDefinition rename =
                CatalogLoader.load("catalog.yaml", CUSTOMER + actions).actions().get(0);
        assertThat(rename.statement().orElseThrow().parameterNames())
                .containsExactly("key_dataareaid", "key_accountnum");

        assertThat(problems(CUSTOMER + actions.replace(":key_accountnum", ":key_email")))
                .extracting(Problem::message)
                .containsExactly(":key_email is a part of the bound row's natural key, so only an action bound to an"
                        + " entity with a natural key may use it, for one of its key fields (dataareaid, accountnum)");
        assertThat(problems(CUSTOMER + actions.replace(":key_accountnum", ":change_version")))
                .extracting(Problem::message)
                .containsExactly(":change_version is the bound entity's next change version, so only an action bound to"
                        + " an entity with changeTracking: true may use it");
    }

    private static List<Problem> problems(String yaml) {
        ProblemsException thrown =
                catchThrowableOfType(ProblemsException.class, () -> CatalogLoader.load("catalog.yaml", yaml));
        assertThat(thrown).as("expected problems").isNotNull();
        return thrown.problems();
    }
}
