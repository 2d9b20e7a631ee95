package dev.vegateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The catalog keys of the write path: defaults, validation, key strategy, stamped fields, relations and actions. */
class CatalogWritePathTest {
    /** One entity with a few fields; lines 1–9. Tests replace parts of it or append fields (line 10 on). */
    private static final String ENTITY =
            """
            entities:
              - logicalName: account
                entitySetName: accounts
                table: account
                fields:
                  - { name: accountid, column: id, type: Guid }
                  - { name: name, column: name, type: String(10) }
                  - { name: ownerid, column: owner_id, type: Guid }
                  - { name: modifiedon, column: modified_on, type: DateTimeOffset }
            """;

    // ---- the complete example ----

    @Test
    void loadsTheCompleteExample() throws URISyntaxException {
        Path file = Path.of(CatalogWritePathTest.class
                .getResource("write-path-catalog.yaml")
                .toURI());

        Catalog catalog = CatalogLoader.load(file);

        EntityDefinition group =
                catalog.byLogicalName("mserp_custcustomergroupentity").orElseThrow();
        assertThat(group.keyStrategy()).isEqualTo(KeyStrategy.GENERATED_OR_CLIENT);
        assertThat(group.allowsUpsert()).isTrue();
        assertThat(group.field("mserp_customergroupid")
                        .orElseThrow()
                        .validation()
                        .violation("ab"))
                .contains("must match the pattern [A-Z0-9]{2,10}");

        EntityDefinition customer =
                catalog.byLogicalName("mserp_custcustomerv3entity").orElseThrow();
        assertThat(customer.keyStrategy()).isEqualTo(KeyStrategy.CLIENT);
        assertThat(customer.createdByField()).contains("mserp_createdby");
        assertThat(customer.modifiedByField()).contains("mserp_modifiedby");
        assertThat(customer.createdOnField()).contains("mserp_createdon");
        assertThat(customer.modifiedOnField()).contains("mserp_modifiedon");
        assertThat(customer.stampedFields())
                .containsExactly("mserp_createdby", "mserp_modifiedby", "mserp_createdon", "mserp_modifiedon");
        assertThat(customer.stampedFields()).allSatisfy(name -> assertThat(
                        customer.field(name).orElseThrow().readOnly())
                .isTrue());
        assertThat(customer.field("mserp_ownerid").orElseThrow().readOnly()).isFalse();

        assertThat(defaults(customer))
                .containsExactly(
                        Map.entry("mserp_name", "New customer"),
                        Map.entry("mserp_creditlimit", new BigDecimal("1000.00")),
                        Map.entry("mserp_creditstatus", 0),
                        Map.entry("mserp_visits", 0),
                        Map.entry("mserp_points", 9_000_000_000L),
                        Map.entry("mserp_rating", 2.5),
                        Map.entry("mserp_blocked", false),
                        Map.entry("mserp_since", LocalDate.of(2024, 1, 31)),
                        Map.entry("mserp_reviewon", OffsetDateTime.of(2024, 1, 31, 10, 0, 0, 0, ZoneOffset.UTC)),
                        Map.entry("mserp_regionid", UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301")));
        FieldValidation creditLimit =
                customer.field("mserp_creditlimit").orElseThrow().validation();
        assertThat(creditLimit.minimum()).contains(new BigDecimal("0.00"));
        assertThat(creditLimit.maximum()).contains(new BigDecimal("1000000.00"));
        assertThat(creditLimit.violation(new BigDecimal("-0.01"))).contains("must be at least 0.00");
        assertThat(customer.field("mserp_rating").orElseThrow().validation().violation(5.5))
                .contains("must be at most 5.0");
        assertThat(customer.field("mserp_since").orElseThrow().validation().maximum())
                .contains(LocalDate.of(2099, 12, 31));
        assertThat(customer.field("mserp_reviewon").orElseThrow().validation().minimum())
                .contains(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        assertThat(customer.field("mserp_customeraccount")
                        .orElseThrow()
                        .validation()
                        .violation("C-0042"))
                .isEmpty();

        assertThat(customer.relations())
                .containsExactly(
                        new RelationDefinition(
                                "mserp_CustomerGroup",
                                "mserp_customergroupid",
                                "mserp_custcustomergroupentity",
                                "mserp_customergroupid"),
                        new RelationDefinition(
                                "mserp_Parent",
                                "mserp_parentid",
                                "mserp_custcustomerv3entity",
                                "mserp_custcustomerv3entityid"));
        assertThat(customer.relation("mserp_Parent")).isPresent();
        assertThat(catalog.location("mserp_custcustomerv3entity", Optional.of("mserp_CustomerGroup")))
                .contains(file + ":54");

        assertThat(catalog.actions())
                .extracting(ActionDefinition::name)
                .containsExactly("mserp_PlaceOnHold", "mserp_CreditAvailable", "mserp_RecalculateRatings");
        assertThat(catalog.actionsBoundTo("mserp_custcustomerv3entity"))
                .extracting(ActionDefinition::name)
                .containsExactly("mserp_PlaceOnHold", "mserp_CreditAvailable");
        ActionDefinition placeOnHold = catalog.action("mserp_PlaceOnHold").orElseThrow();
        assertThat(placeOnHold.boundEntity()).contains("mserp_custcustomerv3entity");
        assertThat(placeOnHold.parameters())
                .containsExactly(new ActionParameter("Reason", FieldType.string(100), true));
        assertThat(placeOnHold.returns()).isEmpty();
        assertThat(placeOnHold.handlerClass()).isEmpty();
        assertThat(placeOnHold.statement().orElseThrow())
                .isEqualTo(new NamedParameterSql(
                        placeOnHold.sql().orElseThrow(),
                        "UPDATE erp.customer SET credit_status = 2, hold_reason = ?, modified_by = ? WHERE id = ?",
                        List.of("Reason", "user_id", "key")));
        assertThat(catalog.actionLocation("mserp_PlaceOnHold").orElseThrow())
                .isEqualTo(new SourceLocation(file.toString(), 58, "actions[0]"));

        ActionDefinition creditAvailable =
                catalog.action("mserp_CreditAvailable").orElseThrow();
        assertThat(creditAvailable.returns()).contains(FieldType.decimal(18, 2));
        assertThat(creditAvailable.statement().orElseThrow().parameterNames()).containsExactly("key");
        assertThat(creditAvailable.statement().orElseThrow().jdbcSql())
                .contains("'closed:paid'", "::numeric(18,2)", "WHERE c.id = ?\n");

        ActionDefinition recalculate =
                catalog.action("mserp_RecalculateRatings").orElseThrow();
        assertThat(recalculate.isBound()).isFalse();
        assertThat(recalculate.handlerClass()).contains("com.example.gateway.RecalculateRatings");
        assertThat(recalculate.statement()).isEmpty();
        assertThat(recalculate.parameters())
                .extracting(parameter -> parameter.type().toString())
                .containsExactly(
                        "Date",
                        "Int32",
                        "String(4)",
                        "Decimal(5,2)",
                        "Boolean",
                        "Guid",
                        "DateTimeOffset",
                        "Int64",
                        "String");
        assertThat(recalculate.parameter("Since").orElseThrow().required()).isTrue();
        assertThat(recalculate.parameter("Limit").orElseThrow().required()).isFalse();
        assertThat(catalog.action("mserp_placeonhold")).as("exact name").isEmpty();
    }

    @Test
    void catalogsWithoutTheNewKeysGetTheDefaults() {
        Catalog catalog = CatalogLoader.load("catalog.yaml", ENTITY);

        EntityDefinition account = catalog.entities().get(0);
        assertThat(account.keyStrategy()).isEqualTo(KeyStrategy.GENERATED);
        assertThat(account.allowsUpsert()).isFalse();
        assertThat(account.stampedFields()).isEmpty();
        assertThat(account.relations()).isEmpty();
        assertThat(account.fields()).allSatisfy(field -> {
            assertThat(field.defaultValue()).isEmpty();
            assertThat(field.validation()).isEqualTo(FieldValidation.NONE);
        });
        assertThat(catalog.actions()).isEmpty();
        // The loader's result equals what the former constructors build.
        assertThat(account.field("name").orElseThrow())
                .isEqualTo(new FieldDefinition("name", "name", FieldType.string(10), false, false, Map.of()));
    }

    @Test
    void formerConstructorsStillWork() {
        FieldDefinition key =
                new FieldDefinition("accountid", "id", FieldType.of(FieldType.Kind.GUID), true, true, Map.of());
        EntityDefinition entity = EntityDefinition.builder(
                        "account", "accounts", TableName.parse("account"), "accountid")
                .fields(List.of(key))
                .build();

        assertThat(key.defaultValue()).isEmpty();
        assertThat(key.validation().isEmpty()).isTrue();
        assertThat(entity.keyStrategy()).isEqualTo(KeyStrategy.GENERATED);
        assertThat(entity.relations()).isEmpty();
        assertThat(new Catalog(List.of(entity), List.of()).actions()).isEmpty();
    }

    // ---- defaults ----

    @Test
    void defaultsMustBeValuesOfTheFieldType() {
        String yaml =
                """
                optionSets:
                  - name: status
                    members:
                      - { name: Open, value: 1 }
                      - { name: Closed, value: 2 }
                """
                        + ENTITY
                        + """
                      - { name: a, column: a, type: Int32, default: 2147483648 }
                      - { name: b, column: b, type: Int64, default: 1.5 }
                      - { name: c, column: c, type: "Decimal(4,2)", default: 1.234 }
                      - { name: d, column: d, type: "Decimal(4,2)", default: 100 }
                      - { name: e, column: e, type: Double, default: 1e999 }
                      - { name: f, column: f, type: Boolean, default: yes }
                      - { name: g, column: g, type: Date, default: 2024-02-30 }
                      - { name: h, column: h, type: DateTimeOffset, default: "2024-01-31T10:00:00" }
                      - { name: i, column: i, type: Guid, default: 1-2-3-4-5 }
                      - { name: j, column: j, type: Enum(status), default: open }
                      - { name: k, column: k, type: String(3), default: abcd }
                      - { name: l, column: l, type: String, default: [ a, b ] }
                      - { name: m, column: m, type: Double, default: NaN }
                """;

        List<Problem> problems = problems(yaml);

        assertThat(problems)
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(
                                15,
                                "entities[0].fields[4].default",
                                "must be a whole number between -2147483648 and 2147483647 (Int32), was '2147483648'"),
                        tuple(
                                16,
                                "entities[0].fields[5].default",
                                "must be a whole number between -9223372036854775808 and 9223372036854775807 (Int64), was '1.5'"),
                        tuple(
                                17,
                                "entities[0].fields[6].default",
                                "has more than 2 decimal places, which Decimal(4,2) does not hold, was '1.234'"),
                        tuple(18, "entities[0].fields[7].default", "does not fit Decimal(4,2), was '100'"),
                        tuple(19, "entities[0].fields[8].default", "is outside the Double range, was '1e999'"),
                        tuple(20, "entities[0].fields[9].default", "must be true or false, was 'yes'"),
                        tuple(
                                21,
                                "entities[0].fields[10].default",
                                "must be a date such as 2024-01-31, was '2024-02-30'"),
                        tuple(
                                22,
                                "entities[0].fields[11].default",
                                "must be a date and time with offset such as 2024-01-31T10:00:00Z, was '2024-01-31T10:00:00'"),
                        tuple(
                                23,
                                "entities[0].fields[12].default",
                                "must be a GUID such as 00000000-0000-0000-0000-000000000000, was '1-2-3-4-5'"),
                        tuple(
                                24,
                                "entities[0].fields[13].default",
                                "must be a member name of status (Open, Closed), was 'open'"),
                        tuple(25, "entities[0].fields[14].default", "is 4 characters long, more than String(3) holds"),
                        tuple(
                                26,
                                "entities[0].fields[15].default",
                                "must be a single value of type String (a text, number, true/false, date or member name)"),
                        tuple(27, "entities[0].fields[16].default", "must be a number such as 12.50, was 'NaN'"));
    }

    @Test
    void defaultsKeepTheirScaleAndTextAsWritten() {
        EntityDefinition entity = CatalogLoader.load(
                        "c",
                        ENTITY
                                + """
                      - { name: a, column: a, type: "Decimal(6,3)", default: "1.5" }
                      - { name: b, column: b, type: String, default: "  padded 0042 " }
                      - { name: c, column: c, type: String, default: "" }
                      - { name: d, column: d, type: Int32, default: -7 }
                      - { name: e, column: e, type: DateTimeOffset, default: 2024-01-31T10:00:00Z }
                """)
                .entities()
                .get(0);

        assertThat(entity.field("a").orElseThrow().defaultValue()).contains(new BigDecimal("1.500"));
        assertThat(entity.field("b").orElseThrow().defaultValue()).contains("  padded 0042 ");
        assertThat(entity.field("c").orElseThrow().defaultValue()).contains("");
        assertThat(entity.field("d").orElseThrow().defaultValue()).contains(-7);
        assertThat(entity.field("e").orElseThrow().defaultValue())
                .contains(OffsetDateTime.of(2024, 1, 31, 10, 0, 0, 0, ZoneOffset.UTC));
    }

    @Test
    void defaultsMustPassTheFieldsValidation() {
        String yaml = ENTITY
                + """
                      - { name: a, column: a, type: Int32, default: -1, validation: { min: 0 } }
                      - { name: b, column: b, type: String(10), default: x1, validation: { pattern: "[a-z]+" } }
                      - { name: c, column: c, type: Date, default: 2031-01-01, validation: { max: 2030-12-31 } }
                """;

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(
                                10,
                                "entities[0].fields[4].default",
                                "the default -1 fails the field's validation: it must be at least 0"),
                        tuple(
                                11,
                                "entities[0].fields[5].default",
                                "the default x1 fails the field's validation: it must match the pattern [a-z]+"),
                        tuple(
                                12,
                                "entities[0].fields[6].default",
                                "the default 2031-01-01 fails the field's validation: it must be at most 2030-12-31"));
    }

    @Test
    void theKeyHasNoDefault() {
        String yaml = ENTITY.replace(
                "{ name: accountid, column: id, type: Guid }",
                "{ name: accountid, column: id, type: Guid, default: 00000000-0000-0000-0000-000000000001 }");

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(tuple(
                        6,
                        "entities[0].fields[0].default",
                        "the key field has no default: the entity's keyStrategy says who chooses a new row's key"));
    }

    // ---- validation ----

    @Test
    void validationKeysMustFitTheFieldType() {
        String yaml = ENTITY
                + """
                      - { name: a, column: a, type: String(10), validation: { min: 1 } }
                      - { name: b, column: b, type: Int32, validation: { pattern: "[0-9]+" } }
                      - { name: c, column: c, type: String, validation: { pattern: "[a-z" } }
                      - { name: d, column: d, type: Int64, validation: { min: 10, max: 9 } }
                      - { name: e, column: e, type: Int32, validation: { min: ten } }
                      - { name: f, column: f, type: Boolean, validation: { max: true } }
                      - { name: g, column: g, type: Int32, validation: { minimum: 1 } }
                      - { name: h, column: h, type: Int32, validation: 5 }
                      - { name: i, column: i, type: String, validation: { pattern: "" } }
                      - { name: j, column: j, type: DateTimeOffset, validation: { min: "2024-01-02T00:00:00+01:00", max: "2024-01-01T22:30:00Z" } }
                      - { name: k, column: k, type: Enum(nosuchset), validation: { min: 1 } }
                """;

        List<Problem> problems = problems(yaml);

        assertThat(problems)
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(
                                10,
                                "entities[0].fields[4].validation.min",
                                "min and max apply to Int32, Int64, Decimal, Double, Date and DateTimeOffset fields, not to String(10)"),
                        tuple(
                                11,
                                "entities[0].fields[5].validation.pattern",
                                "pattern applies to String fields, not to Int32"),
                        tuple(
                                12,
                                "entities[0].fields[6].validation.pattern",
                                "is not a valid regular expression: Unclosed character class near index 3, was '[a-z'"),
                        tuple(13, "entities[0].fields[7].validation.max", "must not be less than min (10)"),
                        tuple(
                                14,
                                "entities[0].fields[8].validation.min",
                                "must be a whole number between -2147483648 and 2147483647 (Int32), was 'ten'"),
                        tuple(
                                15,
                                "entities[0].fields[9].validation.max",
                                "min and max apply to Int32, Int64, Decimal, Double, Date and DateTimeOffset fields, not to Boolean"),
                        tuple(
                                16,
                                "entities[0].fields[10].validation.minimum",
                                "unknown key (allowed: min, max, pattern)"),
                        tuple(17, "entities[0].fields[11].validation", "must be a mapping"),
                        tuple(18, "entities[0].fields[12].validation.pattern", "must not be empty"),
                        tuple(
                                19,
                                "entities[0].fields[13].validation.max",
                                "must not be less than min (2024-01-01T23:00Z)"),
                        tuple(
                                20,
                                "entities[0].fields[14].type",
                                "option set 'nosuchset' is not declared under optionSets"));
    }

    // ---- key strategy and stamped fields ----

    @Test
    void keyStrategyIsOneOfThree() {
        assertThat(CatalogLoader.load(
                                "c", ENTITY.replace("table: account", "table: account\n    keyStrategy: generated"))
                        .entities()
                        .get(0)
                        .keyStrategy())
                .isEqualTo(KeyStrategy.GENERATED);
        assertThat(problems(ENTITY.replace("table: account", "table: account\n    keyStrategy: generated_or_client")))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(tuple(
                        5,
                        "entities[0].keyStrategy",
                        "must be one of generated, client, generatedOrClient, was 'generated_or_client'"));
    }

    @Test
    void stampedFieldsMustNameFieldsOfTheRightTypeWithOneRoleAndNoDefault() {
        String yaml = ENTITY.replace(
                                "    table: account\n",
                                """
                    table: account
                    ownerField: ownerid
                    createdByField: name
                    modifiedByField: ownerid
                    createdOnField: nosuchfield
                    modifiedOnField: accountid
                """)
                        .replace("type: DateTimeOffset }", "type: DateTimeOffset, default: \"2024-01-01T00:00:00Z\" }")
                + "      - { name: updatedby, column: updated_by, type: Guid, default: 00000000-0000-0000-0000-000000000001 }\n";

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(6, "entities[0].createdByField", "must name a Guid field, but 'name' is String(10)"),
                        tuple(
                                7,
                                "entities[0].modifiedByField",
                                "field 'ownerid' is already the ownerField; the gateway sets a stamped field itself, so it has no other role"),
                        tuple(8, "entities[0].createdOnField", "field 'nosuchfield' is not one of the entity's fields"),
                        tuple(
                                9,
                                "entities[0].modifiedOnField",
                                "must name a DateTimeOffset field, but 'accountid' is Guid"));
        assertThat(problems(ENTITY.replace(
                        "table: account",
                        "table: account\n    createdOnField: modifiedon\n    modifiedOnField: modifiedon")))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(
                                6,
                                "entities[0].modifiedOnField",
                                "field 'modifiedon' is already the createdOnField; the gateway sets a stamped field itself, so it has no other role"));
        assertThat(problems(ENTITY.replace("table: account", "table: account\n    modifiedOnField: modifiedon")
                        .replace(
                                "type: DateTimeOffset }", "type: DateTimeOffset, default: \"2024-01-01T00:00:00Z\" }")))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(
                                10,
                                "entities[0].fields[3].default",
                                "field 'modifiedon' is the modifiedOnField, which the gateway sets on every write: it has no default"));
        assertThat(problems(ENTITY.replace("table: account", "table: account\n    createdByField: accountid")))
                .extracting(Problem::message)
                .containsExactly(
                        "field 'accountid' is already the key; the gateway sets a stamped field itself, so it has no other role");
    }

    @Test
    void stampedFieldsAreReadOnlyForClients() {
        EntityDefinition entity = CatalogLoader.load(
                        "c", ENTITY.replace("table: account", "table: account\n    modifiedOnField: modifiedon"))
                .entities()
                .get(0);

        assertThat(entity.field("modifiedon").orElseThrow().readOnly()).isTrue();
        assertThat(entity.field("name").orElseThrow().readOnly()).isFalse();
    }

    // ---- relations ----

    /** ENTITY plus a second entity, contact (lines 10–17), whose relations tests append from line 18. */
    private static final String TWO_ENTITIES = ENTITY
            + """
              - logicalName: contact
                entitySetName: contacts
                table: contact
                fields:
                  - { name: contactid, column: id, type: Guid }
                  - { name: accountid, column: account_id, type: Guid }
                  - { name: accountname, column: account_name, type: String(20) }
                relations:
            """;

    @Test
    void relationsNameExistingFieldsAndTargetsOfTheSameType() {
        String yaml = TWO_ENTITIES
                + """
                      - { name: Account, field: accountid, target: account }
                      - { name: ByName, field: accountname, target: account, targetField: name }
                """;

        assertThat(CatalogLoader.load("c", yaml)
                        .byLogicalName("contact")
                        .orElseThrow()
                        .relations())
                .containsExactly(
                        new RelationDefinition("Account", "accountid", "account", "accountid"),
                        new RelationDefinition("ByName", "accountname", "account", "name"));
    }

    @Test
    void relationProblemsNameTheirLine() {
        String yaml = TWO_ENTITIES
                + """
                      - { name: AccountId, field: accountid, target: account }
                      - { name: Account, field: nosuchfield, target: account }
                      - { name: Account2, field: accountid, target: accounts }
                      - { name: Account3, field: accountid, target: account, targetField: nosuchfield }
                      - { name: Account4, field: accountname, target: account }
                      - { name: account4, field: accountid, target: account }
                      - { name: Account5, field: accountid, target: account, key: accountid }
                      - { name: "Bad name", field: accountid }
                """;

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(
                                18,
                                "entities[1].relations[0].name",
                                "'AccountId' is already the name of field 'accountid' (declared at line 15): "
                                        + "fields and relations share one namespace, compared ignoring case"),
                        tuple(
                                19,
                                "entities[1].relations[1].field",
                                "field 'nosuchfield' is not one of the entity's fields"),
                        tuple(
                                23,
                                "entities[1].relations[5].name",
                                "duplicate relation name 'account4' (first declared at line 22 as 'Account4'; names are compared ignoring case)"),
                        tuple(
                                24,
                                "entities[1].relations[6].key",
                                "unknown key (allowed: name, field, target, targetField, partner, hierarchical, lookupField)"),
                        tuple(
                                25,
                                "entities[1].relations[7].name",
                                "must match [A-Za-z_][A-Za-z0-9_]{0,127} (letters, digits and '_', "
                                        + "not starting with a digit, at most 128 characters), was 'Bad name'"),
                        tuple(25, "entities[1].relations[7].target", "is required"),
                        tuple(
                                20,
                                "entities[1].relations[2].target",
                                "entity 'accounts' is not declared under entities ('accounts' is an entity set name; give the entity's logical name 'account')"),
                        tuple(
                                21,
                                "entities[1].relations[3].targetField",
                                "field 'nosuchfield' is not one of the fields of 'account'"),
                        tuple(
                                22,
                                "entities[1].relations[4].field",
                                "field 'accountname' is String(20), but it refers to 'account.accountid', which is Guid"));
    }

    @Test
    void relationsMayReferToEntitiesDeclaredLaterAndToTheirOwnEntity() {
        String yaml = ENTITY
                + """
                    relations:
                      - { name: Parent, field: ownerid, target: account }
                      - { name: Contact, field: ownerid, target: contact }
                  - logicalName: contact
                    entitySetName: contacts
                    table: contact
                    fields:
                      - { name: contactid, column: id, type: Guid }
                """;

        assertThat(CatalogLoader.load("c", yaml).entities().get(0).relations())
                .extracting(RelationDefinition::targetField)
                .containsExactly("accountid", "contactid");
    }

    @Test
    void everyRelationHasACollectionValuedPartnerOnItsTarget() {
        String yaml = TWO_ENTITIES
                + """
                      - { name: Account, field: accountid, target: account, partner: Contacts }
                      - { name: ByName, field: accountname, target: account, targetField: name }
                """;

        Catalog catalog = CatalogLoader.load("c", yaml);

        RelationDefinition account = new RelationDefinition(
                "Account", "accountid", "account", "accountid", Optional.of("Contacts"), false, Optional.empty());
        RelationDefinition byName = new RelationDefinition("ByName", "accountname", "account", "name");
        assertThat(catalog.byLogicalName("contact").orElseThrow().relations()).containsExactly(account, byName);
        assertThat(catalog.inverseRelations("account"))
                .containsExactly(
                        new InverseRelation("Contacts", "contact", account),
                        new InverseRelation("contact_ByName", "contact", byName));
        assertThat(catalog.inverseRelation("account", "contact_ByName"))
                .map(InverseRelation::targetEntity)
                .contains("account");
        assertThat(catalog.inverseRelation("account", "contacts")).isEmpty();
        assertThat(catalog.inverseRelations("contact")).isEmpty();
    }

    @Test
    void aPartnerNeedsANameOfItsOwnOnTheTarget() {
        String yaml = ENTITY
                + """
                    relations:
                      - { name: Parent, field: ownerid, target: account, partner: Children }
                      - { name: Contacts, field: ownerid, target: account, partner: Name }
                  - logicalName: contact
                    entitySetName: contacts
                    table: contact
                    fields:
                      - { name: contactid, column: id, type: Guid }
                      - { name: accountid, column: account_id, type: Guid }
                    relations:
                      - { name: Account, field: accountid, target: account, partner: children }
                      - { name: Owner, field: accountid, target: account, partner: contacts }
                      - { name: Parent, field: accountid, target: account }
                      - { name: Bad, field: accountid, target: account, partner: "no name" }
                """;

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(
                                23,
                                "entities[1].relations[3].partner",
                                "must match [A-Za-z_][A-Za-z0-9_]{0,127} (letters, digits and '_', "
                                        + "not starting with a digit, at most 128 characters), was 'no name'"),
                        tuple(
                                12,
                                "entities[0].relations[1].partner",
                                "partner 'Name' collides with field 'name' of 'account' (declared at line 7): "
                                        + "a navigation property needs a name of its own on its entity, compared ignoring case"),
                        tuple(
                                20,
                                "entities[1].relations[0].partner",
                                "partner 'children' of 'account' is already the partner of relation 'Parent' of "
                                        + "'account' (declared at line 11): a navigation property needs a name of its "
                                        + "own on its entity, compared ignoring case"),
                        tuple(
                                21,
                                "entities[1].relations[1].partner",
                                "partner 'contacts' collides with relation 'Contacts' of 'account' (declared at line 12): "
                                        + "a navigation property needs a name of its own on its entity, compared ignoring case"));
    }

    @Test
    void theDefaultPartnerNameIsTheEntityAndTheRelation() {
        String yaml = ENTITY
                + """
                      - { name: contact_Account, column: contact_account, type: String(10) }
                  - logicalName: contact
                    entitySetName: contacts
                    table: contact
                    fields:
                      - { name: contactid, column: id, type: Guid }
                      - { name: accountid, column: account_id, type: Guid }
                    relations:
                      - { name: Account, field: accountid, target: account }
                """;

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(
                                18,
                                "entities[1].relations[0].name",
                                "the default partner name 'contact_Account' (<entity>_<relation>; set 'partner' to choose "
                                        + "another) collides with field 'contact_Account' of 'account' (declared at line 10): "
                                        + "a navigation property needs a name of its own on its entity, compared ignoring case"));
    }

    // ---- actions ----

    @Test
    void actionProblemsNameTheirLine() {
        String yaml = ENTITY
                + """
                actions:
                  - name: accounts
                    sql: "UPDATE account SET name = 'x'"
                  - name: Archive
                    boundTo: accounts
                    handler: com.example.Archive
                  - name: archive
                    boundTo: account
                    parameters:
                      - { name: Rate, type: Double }
                      - { name: Status, type: Enum(status) }
                      - { name: Text, type: Text }
                      - { name: user_id, type: Guid }
                      - { name: rate, type: Int32, required: maybe }
                    returns: Decimal(40,2)
                    handler: "com.example.Archive Now"
                  - name: NoBody
                  - name: Both
                    sql: "SELECT 1"
                    handler: com.example.Both
                """;

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(
                                11,
                                "actions[0].name",
                                "'accounts' is an entity set name; an unbound action needs a name of its own"),
                        tuple(
                                14,
                                "actions[1].boundTo",
                                "entity 'accounts' is not declared under entities ('accounts' is an entity set name; give the entity's logical name 'account')"),
                        tuple(
                                16,
                                "actions[2].name",
                                "duplicate action name 'archive' (first declared at line 13 as 'Archive'; names are compared ignoring case)"),
                        tuple(
                                19,
                                "actions[2].parameters[0].type",
                                "action parameters and results are String, String(n), Int32, Int64, Decimal(p,s), Boolean, Guid, Date or DateTimeOffset, was 'Double'"),
                        tuple(
                                20,
                                "actions[2].parameters[1].type",
                                "action parameters and results are String, String(n), Int32, Int64, Decimal(p,s), Boolean, Guid, Date or DateTimeOffset, was 'Enum(status)'"),
                        tuple(
                                21,
                                "actions[2].parameters[2].type",
                                "action parameters and results are String, String(n), Int32, Int64, Decimal(p,s), Boolean, Guid, Date or DateTimeOffset, was 'Text'"),
                        tuple(
                                22,
                                "actions[2].parameters[3].name",
                                "'user_id' is reserved: :key, :user_id and :user_businessunit are set by the gateway"),
                        tuple(
                                23,
                                "actions[2].parameters[4].name",
                                "duplicate parameter name 'rate' (first declared at line 19 as 'Rate'; names are compared ignoring case)"),
                        tuple(23, "actions[2].parameters[4].required", "must be true or false, was 'maybe'"),
                        tuple(
                                24,
                                "actions[2].returns",
                                "Decimal(p,s) needs 1 <= p <= 38 and 0 <= s <= p, was Decimal(40,2)"),
                        tuple(
                                25,
                                "actions[2].handler",
                                "must be a Java class name such as com.example.PlaceOnHold, was 'com.example.Archive Now'"),
                        tuple(26, "actions[3]", "an action needs sql (one statement) or handler (a Java class)"),
                        tuple(29, "actions[4].handler", "give either sql or handler, not both"));
    }

    @Test
    void actionSqlUsesOnlyDeclaredParametersAndTheOnesTheGatewaySets() {
        String yaml = ENTITY
                + """
                actions:
                  - name: Rename
                    parameters: [ { name: NewName, type: String(10) } ]
                    sql: "UPDATE account SET name = :newname, owner_id = :user_id WHERE id = :key"
                  - name: Touch
                    boundTo: account
                    sql: "UPDATE account SET modified_on = ? WHERE id = :key"
                  - name: Twice
                    boundTo: account
                    sql: "UPDATE account SET name = 'a' WHERE id = :key; DELETE FROM account"
                  - name: Open
                    boundTo: account
                    sql: "UPDATE account SET name = 'a WHERE id = :key"
                  - name: Comment
                    sql: "-- nothing"
                  - name: Fine
                    boundTo: account
                    sql: "UPDATE account SET owner_id = :user_businessunit WHERE id = :key; -- done"
                """;

        assertThat(problems(yaml))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(
                                13,
                                "actions[0].sql",
                                ":newname is neither a declared parameter (NewName) nor one the gateway sets "
                                        + "(:key, :key_<field> and :change_version for bound actions, :user_id,"
                                        + " :user_businessunit); parameter names are case-sensitive, did you mean :NewName?"),
                        tuple(
                                13,
                                "actions[0].sql",
                                ":key is the bound row's key, so only a bound action (with boundTo) may use it"),
                        tuple(
                                16,
                                "actions[1].sql",
                                "uses a positional parameter '?': name every parameter, such as :Reason"),
                        tuple(
                                19,
                                "actions[2].sql",
                                "must be one statement, but more follows the ';' (call a stored procedure to run several)"),
                        tuple(22, "actions[3].sql", "has an unterminated text literal starting at character 27"),
                        tuple(24, "actions[4].sql", "must be a SQL statement, was only comments or blank"));
    }

    @Test
    void actionsAreOptionalAndUnknownKeysAreProblems() {
        assertThat(problems(ENTITY + "actions:\n  - { name: A, handler: a.B, bound: account }\n"))
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(tuple(
                        11,
                        "actions[0].bound",
                        "unknown key (allowed: name, boundTo, parameters, returns, sql, handler)"));
        assertThat(CatalogLoader.load("c", ENTITY + "actions: []\n").actions()).isEmpty();
    }

    private static Map<String, Object> defaults(EntityDefinition entity) {
        Map<String, Object> defaults = new java.util.LinkedHashMap<>();
        entity.fields()
                .forEach(field -> field.defaultValue().ifPresent(value -> defaults.put(field.logicalName(), value)));
        return defaults;
    }

    private static List<Problem> problems(String yaml) {
        ProblemsException thrown =
                catchThrowableOfType(ProblemsException.class, () -> CatalogLoader.load("catalog.yaml", yaml));
        assertThat(thrown).as("expected problems").isNotNull();
        return thrown.problems();
    }
}
