package dev.vegateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogLoaderTest {
    static final String VALID =
            """
            optionSets:
              - name: mserp_custcreditstatus
                members:
                  - { name: Normal, value: 0, labels: { en-US: Normal } }
                  - { name: OnHold, value: 1 }
            entities:
              - logicalName: mserp_custcustomerv3entity
                entitySetName: mserp_custcustomerv3entities
                table: erp.customer
                labels: { en-US: Customers V3, de-DE: Debitoren V3 }
                companyField: mserp_dataareaid
                ownerField: mserp_ownerid
                businessUnitField: mserp_owningbusinessunit
                rowVersionField: mserp_versionnumber
                fields:
                  - { name: mserp_custcustomerv3entityid, column: id, type: Guid }
                  - name: mserp_customeraccount
                    column: account_num
                    type: String(20)
                    required: true
                    labels: { en-US: Customer account }
                  - { name: mserp_dataareaid, column: data_area_id, type: String(4) }
                  - { name: mserp_ownerid, column: owner_id, type: Guid }
                  - { name: mserp_owningbusinessunit, column: business_unit_id, type: Guid }
                  - { name: mserp_versionnumber, column: row_version, type: Int64 }
                  - { name: mserp_creditlimit, column: credit_limit, type: "Decimal(18,2)" }
                  - { name: mserp_creditstatus, column: credit_status, type: Enum(mserp_custcreditstatus) }
                  - { name: mserp_name, column: name, type: String, readOnly: true }
                  - { name: mserp_rating, column: rating, type: Double }
                  - { name: mserp_blocked, column: blocked, type: Boolean }
                  - { name: mserp_since, column: since, type: Date }
                  - { name: mserp_modifiedon, column: modified_on, type: DateTimeOffset }
                  - { name: mserp_visits, column: visits, type: Int32 }
              - logicalName: mserp_vendvendorentity
                entitySetName: mserp_vendvendorentities
                table: vendor
                visible: false
                key: mserp_vendvendorentityid
                fields:
                  - { name: mserp_vendvendorentityid, column: id, type: Guid }
            """;

    /** One entity, one field; lines 1–6. Tests append to it or replace parts of it. */
    private static final String MINIMAL =
            """
            entities:
              - logicalName: account
                entitySetName: accounts
                table: account
                fields:
                  - { name: accountid, column: id, type: Guid }
            """;

    @TempDir
    Path directory;

    @Test
    void loadsAValidCatalog() {
        Catalog catalog = CatalogLoader.load("catalog.yaml", VALID);

        assertThat(catalog.optionSets()).containsOnlyKeys("mserp_custcreditstatus");
        assertThat(catalog.optionSet("mserp_custcreditstatus").orElseThrow().members())
                .containsExactly(
                        new OptionSet.Member("Normal", 0, Map.of("en-US", "Normal"), 0),
                        new OptionSet.Member("OnHold", 1, Map.of(), 1));
        assertThat(catalog.entities())
                .extracting(EntityDefinition::logicalName)
                .containsExactly("mserp_custcustomerv3entity", "mserp_vendvendorentity");

        EntityDefinition customer =
                catalog.byEntitySet("mserp_custcustomerv3entities").orElseThrow();
        assertThat(customer.table()).isEqualTo(new TableName(Optional.of("erp"), "customer"));
        assertThat(customer.labels()).isEqualTo(Map.of("en-US", "Customers V3", "de-DE", "Debitoren V3"));
        assertThat(customer.visible()).isTrue();
        assertThat(customer.keyField()).isEqualTo("mserp_custcustomerv3entityid");
        assertThat(customer.companyField()).contains("mserp_dataareaid");
        assertThat(customer.ownerField()).contains("mserp_ownerid");
        assertThat(customer.businessUnitField()).contains("mserp_owningbusinessunit");
        assertThat(customer.rowVersionField()).contains("mserp_versionnumber");
        assertThat(customer.fields())
                .extracting(field -> field.type().toString())
                .containsExactly(
                        "Guid",
                        "String(20)",
                        "String(4)",
                        "Guid",
                        "Guid",
                        "Int64",
                        "Decimal(18,2)",
                        "Enum(mserp_custcreditstatus)",
                        "String",
                        "Double",
                        "Boolean",
                        "Date",
                        "DateTimeOffset",
                        "Int32");
        assertThat(customer.field("mserp_customeraccount").orElseThrow())
                .isEqualTo(new FieldDefinition(
                        "mserp_customeraccount",
                        "account_num",
                        FieldType.string(20),
                        true,
                        false,
                        Map.of("en-US", "Customer account")));
        assertThat(customer.field("mserp_name").orElseThrow().readOnly()).isTrue();
        assertThat(customer.field("mserp_name").orElseThrow().type().maxLength())
                .isEmpty();

        EntityDefinition vendor =
                catalog.byLogicalName("mserp_vendvendorentity").orElseThrow();
        assertThat(vendor.table()).isEqualTo(new TableName(Optional.empty(), "vendor"));
        assertThat(vendor.visible()).isFalse();
        assertThat(vendor.companyField()).isEmpty();
    }

    @Test
    void keyFieldIsImplicitlyRequiredAndReadOnlyAndDefaultsToLogicalNameId() {
        Catalog catalog = CatalogLoader.load("catalog.yaml", MINIMAL);

        EntityDefinition account = catalog.byLogicalName("account").orElseThrow();
        assertThat(account.keyField()).isEqualTo("accountid");
        assertThat(account.key().required()).isTrue();
        assertThat(account.key().readOnly()).isTrue();
    }

    @Test
    void remembersWhereEntitiesAndFieldsAreDeclared() throws IOException {
        Path file = directory.resolve("catalog.yaml");
        Files.writeString(file, VALID);

        Catalog catalog = CatalogLoader.load(file);

        assertThat(catalog.location("mserp_custcustomerv3entity", Optional.empty()))
                .contains(file + ":7");
        assertThat(catalog.location("mserp_custcustomerv3entity", Optional.of("mserp_customeraccount")))
                .contains(file + ":17");
        assertThat(catalog.sourceLocation("mserp_vendvendorentity", Optional.of("mserp_vendvendorentityid")))
                .contains(new SourceLocation(file.toString(), 40, "entities[1].fields[0]"));
        assertThat(catalog.location("mserp_vendvendorentity", Optional.of("nosuchfield")))
                .isEmpty();
    }

    // ---- names (a security boundary) ----

    @Test
    void namesMustBeSafeIdentifiers() {
        String yaml =
                """
                optionSets:
                  - name: status
                    members:
                      - { name: "On Hold", value: 1 }
                entities:
                  - logicalName: "account-x"
                    entitySetName: "accounts\\""
                    table: "erp.account.x"
                    fields:
                      - { name: 1accountid, column: "id; DROP TABLE account", type: Guid }
                      - { name: "%s", column: name, type: String }
                """
                        .formatted("n".repeat(129));

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key)
                .containsExactlyInAnyOrder(
                        tuple(4, "optionSets[0].members[0].name"),
                        tuple(6, "entities[0].logicalName"),
                        tuple(7, "entities[0].entitySetName"),
                        tuple(8, "entities[0].table"),
                        tuple(10, "entities[0].fields[0].name"),
                        tuple(10, "entities[0].fields[0].column"),
                        tuple(11, "entities[0].fields[1].name"));
        assertThat(problems(yaml))
                .allSatisfy(problem -> assertThat(problem.message()).contains("[A-Za-z_][A-Za-z0-9_]{0,127}"));
    }

    @Test
    void schemaQualifiedTableNamesAreCheckedPartByPart() {
        assertThat(problems(MINIMAL.replace("table: account", "table: \"erp.\"")))
                .extracting(Problem::line, Problem::key)
                .containsExactly(tuple(4, "entities[0].table"));
        assertThat(CatalogLoader.load("c", MINIMAL.replace("table: account", "table: Erp_1.Account_2"))
                        .entities()
                        .get(0)
                        .table())
                .isEqualTo(new TableName(Optional.of("Erp_1"), "Account_2"));
    }

    // ---- uniqueness ----

    @Test
    void entityLogicalNamesAndEntitySetNamesAreUnique() {
        String yaml = MINIMAL
                + """
                  - logicalName: Account
                    entitySetName: others
                    table: other
                    fields:
                      - { name: Accountid, column: id, type: Guid }
                  - logicalName: contact
                    entitySetName: accounts
                    table: contact
                    fields:
                      - { name: contactid, column: id, type: Guid }
                """;

        List<Problem> problems = problems(yaml);

        assertThat(problems)
                .extracting(Problem::line, Problem::key)
                .containsExactlyInAnyOrder(tuple(7, "entities[1].logicalName"), tuple(13, "entities[2].entitySetName"));
        assertThat(problems.get(0).message())
                .isEqualTo(
                        "duplicate entity logical name 'Account' (first declared at line 2 as 'account'; names are compared ignoring case)");
        assertThat(problems.get(1).message())
                .isEqualTo("duplicate entity set name 'accounts' (first declared at line 3)");
    }

    @Test
    void fieldNamesAndColumnsAreUniquePerEntity() {
        String yaml = MINIMAL
                + """
                      - { name: name, column: name, type: String }
                      - { name: name, column: title, type: String }
                      - { name: title, column: NAME, type: String }
                """;

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactlyInAnyOrder(
                        tuple(
                                8,
                                "entities[0].fields[2].name",
                                "duplicate field name 'name' (first declared at line 7)"),
                        tuple(
                                9,
                                "entities[0].fields[3].column",
                                "duplicate column 'NAME' (first declared at line 7 as 'name'; names are compared ignoring case)"));
    }

    // ---- key ----

    @Test
    void keyFieldMustExist() {
        assertThat(problems(MINIMAL.replace("name: accountid", "name: id")))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(2, "entities[0].key", "key field 'accountid' is not one of the entity's fields"));
    }

    @Test
    void keyFieldMustBeAGuid() {
        assertThat(problems(MINIMAL.replace("type: Guid", "type: Int64")))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(6, "entities[0].fields[0].type", "the key field must be of type Guid, was Int64"));
    }

    @Test
    void keyFieldMustBeNamedLogicalNameId() {
        String yaml = MINIMAL.replace("    table: account\n", "    table: account\n    key: accountkey\n")
                + "      - { name: accountkey, column: account_key, type: Guid }\n";

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(tuple(
                        5,
                        "entities[0].key",
                        "must be 'accountid': Dataverse names the primary key <logicalName>id (or give a natural key"
                                + " as a list of fields, such as [mserp_dataareaid, mserp_customeraccount])"));
    }

    // ---- hierarchy ----

    @Test
    void aHierarchicalRelationRefersToItsOwnEntityAndAnEntityHasOne() {
        String withParent = MINIMAL.replace(
                        "    table: account\n",
                        """
                    table: account
                    relations:
                      - { name: Parent, field: parentid, target: account, hierarchical: true }
                """)
                + "      - { name: parentid, column: parent_id, type: Guid }\n";
        Catalog catalog = CatalogLoader.load("catalog.yaml", withParent);
        assertThat(catalog.byLogicalName("account").orElseThrow().hierarchy())
                .contains(new RelationDefinition(
                        "Parent", "parentid", "account", "accountid", Optional.empty(), true, Optional.empty()));

        String twoEntities = withParent.replace("target: account, hierarchical", "target: other, hierarchical")
                + """
              - logicalName: other
                entitySetName: others
                table: other
                fields:
                  - { name: otherid, column: id, type: Guid }
            """;
        assertThat(problems(twoEntities))
                .extracting(Problem::key, Problem::message)
                .containsExactly(tuple(
                        "entities[0].relations[0].hierarchical",
                        "a hierarchical relation refers to its own entity ('account'), not to 'other'"));
        String twoHierarchies = withParent.replace(
                "      - { name: Parent, field: parentid, target: account, hierarchical: true }\n",
                "      - { name: Parent, field: parentid, target: account, hierarchical: true }\n"
                        + "      - { name: Other, field: parentid, target: account, partner: Others, hierarchical:"
                        + " true }\n");
        assertThat(problems(twoHierarchies))
                .extracting(Problem::message)
                .containsExactly("entity 'account' already has a hierarchical relation; an entity has one hierarchy");
    }

    // ---- company, owner, business unit, row version ----

    @Test
    void roleFieldsMustNameExistingFieldsOfTheRightType() {
        String yaml = MINIMAL.replace(
                        "    table: account\n",
                        """
                    table: account
                    companyField: accountid
                    ownerField: owner
                    businessUnitField: nosuchfield
                    rowVersionField: owner
                """)
                + "      - { name: owner, column: owner_id, type: String(36) }\n";

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactlyInAnyOrder(
                        tuple(5, "entities[0].companyField", "must name a String field, but 'accountid' is Guid"),
                        tuple(6, "entities[0].ownerField", "must name a Guid field, but 'owner' is String(36)"),
                        tuple(
                                7,
                                "entities[0].businessUnitField",
                                "field 'nosuchfield' is not one of the entity's fields"),
                        tuple(
                                8,
                                "entities[0].rowVersionField",
                                "must name an Int64 or Int32 field, but 'owner' is String(36)"));
    }

    @Test
    void rowVersionMayBeInt32() {
        String yaml = MINIMAL.replace("    table: account\n", "    table: account\n    rowVersionField: version\n")
                + "      - { name: version, column: version, type: Int32 }\n";

        assertThat(CatalogLoader.load("c", yaml).entities().get(0).rowVersionField())
                .contains("version");
    }

    @Test
    void changeTrackingNeedsAnInt64RowVersion() {
        String int64 = MINIMAL.replace(
                        "    table: account\n",
                        "    table: account\n    rowVersionField: version\n    changeTracking: true\n")
                + "      - { name: version, column: version, type: Int64 }\n";
        assertThat(CatalogLoader.load("c", int64).entities().get(0).changeTracking())
                .isTrue();
        assertThat(CatalogLoader.load("c", MINIMAL).entities().get(0).changeTracking())
                .isFalse();

        assertThat(problems(int64.replace("type: Int64 }", "type: Int32 }")))
                .extracting(Problem::message)
                .containsExactly("change tracking needs an Int64 rowVersionField (the gateway sets it from the entity's"
                        + " change counter)");
        assertThat(problems(MINIMAL.replace("    table: account\n", "    table: account\n    changeTracking: true\n")))
                .extracting(Problem::message)
                .containsExactly("change tracking needs an Int64 rowVersionField (the gateway sets it from the entity's"
                        + " change counter)");
    }

    // ---- types and option sets ----

    @Test
    void typesAreCheckedAndNameTheAllowedForms() {
        String yaml = MINIMAL
                + """
                      - { name: a, column: a, type: Text }
                      - { name: b, column: b, type: String(0) }
                      - { name: c, column: c, type: String(1048577) }
                      - { name: d, column: d, type: "Decimal(39,2)" }
                      - { name: e, column: e, type: "Decimal(5,6)" }
                      - { name: f, column: f, type: Enum(nosuchset) }
                      - { name: g, column: g, type: String(1048576) }
                      - { name: h, column: h, type: "Decimal(38, 38)" }
                      - { name: i, column: i }
                """;

        List<Problem> problems = problems(yaml);

        assertThat(problems)
                .extracting(Problem::line, Problem::key)
                .containsExactly(
                        tuple(7, "entities[0].fields[1].type"),
                        tuple(8, "entities[0].fields[2].type"),
                        tuple(9, "entities[0].fields[3].type"),
                        tuple(10, "entities[0].fields[4].type"),
                        tuple(11, "entities[0].fields[5].type"),
                        tuple(12, "entities[0].fields[6].type"),
                        tuple(15, "entities[0].fields[9].type"));
        assertThat(problems.get(0).message())
                .isEqualTo("unknown type 'Text' (allowed: String, String(n), Int32, Int64, Decimal(p,s), "
                        + "Double, Boolean, Boolean(optionSetName), Date, DateTimeOffset, Guid, Enum(optionSetName),"
                        + " MultiEnum(optionSetName))");
        assertThat(problems.get(1).message()).startsWith("String length must be between 1 and 1048576, was 0");
        assertThat(problems.get(3).message())
                .isEqualTo("Decimal(p,s) needs 1 <= p <= 38 and 0 <= s <= p, was Decimal(39,2)");
        assertThat(problems.get(5).message()).isEqualTo("option set 'nosuchset' is not declared under optionSets");
        assertThat(problems.get(6).message()).isEqualTo("is required");
    }

    @Test
    void optionSetMemberNamesAndValuesAreUnique() {
        String yaml =
                """
                optionSets:
                  - name: status
                    members:
                      - { name: Open, value: 0 }
                      - { name: open, value: 1 }
                      - { name: Closed, value: 0 }
                  - name: empty
                    members: []
                """
                        + MINIMAL;

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key)
                .containsExactlyInAnyOrder(
                        tuple(5, "optionSets[0].members[1].name"),
                        tuple(6, "optionSets[0].members[2].value"),
                        tuple(8, "optionSets[1].members"));
    }

    // ---- reserved names, emptiness, unknown keys ----

    @Test
    void builtInCatalogEntityNamesAreReserved() {
        String yaml = MINIMAL.replace("logicalName: account", "logicalName: mserp_financeandoperationsentity")
                .replace("entitySetName: accounts", "entitySetName: mserp_financeandoperationsentities")
                .replace("name: accountid", "name: mserp_financeandoperationsentityid");

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(
                                2,
                                "entities[0].logicalName",
                                "'mserp_financeandoperationsentity' is reserved for the built-in catalog entity"),
                        tuple(
                                3,
                                "entities[0].entitySetName",
                                "'mserp_financeandoperationsentities' is reserved: it is the built-in catalog entity set"));
    }

    @Test
    void atLeastOneEntityIsRequired() {
        assertThat(problems("entities: []\n"))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(tuple(1, "entities", "at least one entity is required"));
        assertThat(problems("optionSets: []\n")).extracting(Problem::key).containsExactly("entities");
    }

    @Test
    void unknownKeysAreProblemsEverywhere() {
        String yaml =
                """
                optionSet: []
                entities:
                  - logicalName: account
                    entitySetName: accounts
                    tabel: account
                    fields:
                      - { name: accountid, column: id, type: Guid, nullable: true }
                """;

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key)
                .containsExactlyInAnyOrder(
                        tuple(1, "optionSet"),
                        tuple(5, "entities[0].tabel"),
                        tuple(3, "entities[0].table"),
                        tuple(7, "entities[0].fields[0].nullable"));
    }

    @Test
    void reportsSeveralProblemsAtOnceWithFileAndLine() throws IOException {
        Path file = directory.resolve("catalog.yaml");
        Files.writeString(
                file,
                VALID.replace("value: 1 }", "value: 0 }")
                        .replace("type: String(4)", "type: Int32")
                        .replace("column: rating", "column: blocked")
                        .replace("table: vendor", "table: \"vendor x\""));

        ProblemsException thrown = catchThrowableOfType(ProblemsException.class, () -> CatalogLoader.load(file));

        assertThat(thrown.problems()).extracting(Problem::source).containsOnly(file.toString());
        assertThat(thrown.problems())
                .extracting(Problem::line, Problem::key)
                .containsExactlyInAnyOrder(
                        tuple(5, "optionSets[0].members[1].value"),
                        tuple(30, "entities[0].fields[10].column"),
                        tuple(11, "entities[0].companyField"),
                        tuple(36, "entities[1].table"));
        assertThat(thrown.getMessage())
                .contains(file
                        + ":11: entities[0].companyField: must name a String field, but 'mserp_dataareaid' is Int32");
    }

    @Test
    void invalidYamlIsAProblemWithItsLine() {
        assertThat(problems("entities:\n  - { logicalName: a\n"))
                .singleElement()
                .satisfies(problem -> assertThat(problem.message()).startsWith("invalid YAML"));
    }

    private static List<Problem> problems(String yaml) {
        ProblemsException thrown =
                catchThrowableOfType(ProblemsException.class, () -> CatalogLoader.load("catalog.yaml", yaml));
        assertThat(thrown).as("expected problems").isNotNull();
        return thrown.problems();
    }
}
