package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.Catalog.Element;
import dev.vegateway.config.yaml.Problems;
import dev.vegateway.config.yaml.ProblemsException;
import dev.vegateway.config.yaml.YamlNode;
import dev.vegateway.config.yaml.YamlReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and validates a catalog YAML file (option sets, entities with their fields and relations,
 * and actions). Every problem is reported at once with its file, line and key path; the loaded
 * {@link Catalog} remembers where each entity, field, relation and action was declared.
 */
public final class CatalogLoader {
    /**
     * The only names accepted for entities, entity sets, fields, columns, schemas, tables, option
     * sets and option-set members. This is a security boundary: these names are later quoted into
     * SQL (and written into the EDM), and a name matching this pattern contains no quote, dot,
     * space, comment or statement separator, so quoting it can never break out of the
     * identifier. Do not widen it without reviewing every dialect's quoting.
     */
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** The built-in catalog entity set and entity (SPEC 7); a catalog file may not declare them. */
    static final String RESERVED_ENTITY_SET_NAME = "mserp_financeandoperationsentities";

    static final String RESERVED_LOGICAL_NAME = "mserp_financeandoperationsentity";
    static final int MAXIMUM_STRING_LENGTH = 1_048_576;
    static final int MAXIMUM_DECIMAL_PRECISION = 38;

    private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*");
    private static final Pattern STRING_TYPE = Pattern.compile("String\\(\\s*(\\d{1,9})\\s*\\)");
    private static final Pattern DECIMAL_TYPE = Pattern.compile("Decimal\\(\\s*(\\d{1,9})\\s*,\\s*(\\d{1,9})\\s*\\)");
    private static final Pattern ENUM_TYPE = Pattern.compile("Enum\\(\\s*(.*?)\\s*\\)");
    /** {@code MultiEnum(optionSet)}: a multi-select option set over a text column (comma-separated stored values). */
    private static final Pattern MULTI_ENUM_TYPE = Pattern.compile("MultiEnum\\(\\s*(.*?)\\s*\\)");
    /** {@code Boolean(optionSet)}: a Boolean whose labels are the option set's members of value 0 (false) and 1 (true). */
    private static final Pattern BOOLEAN_TYPE = Pattern.compile("Boolean\\(\\s*(.*?)\\s*\\)");

    private static final String ALLOWED_TYPES =
            "String, String(n), Int32, Int64, Decimal(p,s), Double, Boolean, Boolean(optionSetName), Date, DateTimeOffset, Guid, Enum(optionSetName), MultiEnum(optionSetName)";
    private static final String ACTION_TYPES =
            "String, String(n), Int32, Int64, Decimal(p,s), Boolean, Guid, Date or DateTimeOffset";
    private static final Set<String> PLAIN_ACTION_TYPES =
            Set.of("String", "Int32", "Int64", "Boolean", "Guid", "Date", "DateTimeOffset");
    private static final Set<String> RESERVED_PARAMETER_NAMES = Set.of(
            ActionDefinition.KEY_PARAMETER,
            ActionDefinition.USER_ID_PARAMETER,
            ActionDefinition.USER_BUSINESS_UNIT_PARAMETER,
            ActionDefinition.CHANGE_VERSION_PARAMETER);
    /** A Java binary class name, such as {@code com.example.Actions$PlaceOnHold}. */
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    private static final String NAME_RULE =
            "must match [A-Za-z_][A-Za-z0-9_]{0,127} (letters, digits and '_', not starting with a digit, at most 128 characters)";

    private final Problems problems = new Problems();
    private final YamlReader reader = new YamlReader(problems);
    private final Map<Element, SourceLocation> locations = new LinkedHashMap<>();
    private final Map<String, SourceLocation> actionLocations = new LinkedHashMap<>();
    /** The fields as read of every entity whose logical name is valid, for the relation and action cross-checks. */
    private final Map<String, Fields> fieldsByEntity = new LinkedHashMap<>();

    private final Map<String, String> entityByEntitySetName = new HashMap<>();
    private final List<PendingRelation> pendingRelations = new ArrayList<>();
    /** The lookup fields relations over several fields add, by entity logical name. */
    private final Map<String, List<FieldDefinition>> lookupFields = new HashMap<>();

    /** The language of labels written as plain text, and of callers that ask for none. */
    private String defaultLanguage = Catalog.DEFAULT_LANGUAGE;

    private CatalogLoader() {}

    /**
     * Loads and validates a catalog file.
     *
     * @throws ProblemsException listing every problem found
     */
    public static Catalog load(Path file) {
        requireNonNull(file, "file is null");
        return new CatalogLoader().read(YamlNode.parse(file));
    }

    /**
     * Loads and validates catalog text; {@code sourceName} names it in problems.
     *
     * @throws ProblemsException listing every problem found
     */
    public static Catalog load(String sourceName, String yamlText) {
        requireNonNull(sourceName, "sourceName is null");
        requireNonNull(yamlText, "yamlText is null");
        return new CatalogLoader().read(YamlNode.parse(sourceName, yamlText));
    }

    private Catalog read(YamlNode root) {
        reader.allowOnly(root, "defaultLanguage", "optionSets", "entities", "actions");
        YamlNode languageNode = root.get("defaultLanguage");
        if (!languageNode.isAbsent()) {
            reader.optionalString(languageNode).ifPresent(language -> {
                if (LOCALE.matcher(language).matches()) {
                    defaultLanguage = language;
                } else {
                    problems.add(languageNode, "'" + language + "' is not a locale such as en-US");
                }
            });
        }
        List<OptionSet> optionSets = optionSets(root.get("optionSets"));
        Map<String, OptionSet> optionSetsByName = new LinkedHashMap<>();
        optionSets.forEach(set -> optionSetsByName.put(set.name(), set));

        YamlNode entitiesNode = root.get("entities");
        List<YamlNode> entityNodes = sequence(entitiesNode);
        if (entityNodes.isEmpty() && (entitiesNode.isAbsent() || entitiesNode.isSequence())) {
            problems.add(entitiesNode, "at least one entity is required");
        }
        UniqueNames logicalNames = new UniqueNames("entity logical name");
        UniqueNames entitySetNames = new UniqueNames("entity set name");
        List<EntityDefinition> entities = new ArrayList<>();
        for (YamlNode entityNode : entityNodes) {
            entity(entityNode, optionSetsByName, logicalNames, entitySetNames).ifPresent(entities::add);
        }
        Map<String, List<RelationDefinition>> relations = relations();
        List<ActionDefinition> actions = actions(root.get("actions"), entities);
        problems.throwIfAny();
        List<EntityDefinition> withRelations = entities.stream()
                .map(entity -> withRelations(entity, relations.getOrDefault(entity.logicalName(), List.of())))
                .toList();
        return new Catalog(withRelations, optionSets, actions, locations, actionLocations)
                .withDefaultLanguage(defaultLanguage);
    }

    // ---- option sets ----

    private List<OptionSet> optionSets(YamlNode node) {
        UniqueNames names = new UniqueNames("option set name");
        List<OptionSet> optionSets = new ArrayList<>();
        for (YamlNode setNode : sequence(node)) {
            reader.allowOnly(setNode, "name", "members");
            YamlNode nameNode = setNode.get("name");
            Optional<String> name = name(nameNode);
            name.ifPresent(value -> names.check(nameNode, value));
            List<OptionSet.Member> members = members(setNode.get("members"));
            name.ifPresent(value -> optionSets.add(new OptionSet(value, members)));
        }
        return optionSets;
    }

    /**
     * The members of an option set. {@code value} is the option's value on the wire; when no member
     * of the set gives one, the members are numbered 0, 1, 2, … in declaration order. {@code stored}
     * is what the backend column holds, {@code value} unless given.
     */
    private List<OptionSet.Member> members(YamlNode node) {
        List<YamlNode> memberNodes = sequence(node);
        if (memberNodes.isEmpty() && (node.isAbsent() || node.isSequence())) {
            problems.add(node, "at least one member is required");
        }
        long withValue = memberNodes.stream()
                .filter(memberNode -> !memberNode.get("value").isAbsent())
                .count();
        boolean numbered = withValue == 0;
        UniqueNames names = new UniqueNames("member name");
        Map<Integer, YamlNode> values = new HashMap<>();
        Map<Integer, YamlNode> storedValues = new HashMap<>();
        List<OptionSet.Member> members = new ArrayList<>();
        for (YamlNode memberNode : memberNodes) {
            reader.allowOnly(memberNode, "name", "value", "stored", "labels");
            YamlNode nameNode = memberNode.get("name");
            Optional<String> name = name(nameNode);
            name.ifPresent(value -> names.check(nameNode, value));
            Map<String, String> labels = labels(memberNode.get("labels"));
            YamlNode valueNode = memberNode.get("value");
            int value;
            boolean duplicateValue = false;
            if (numbered) {
                value = members.size();
            } else if (valueNode.isAbsent()) {
                problems.add(valueNode, "is required when another member of the option set gives its value");
                continue;
            } else {
                value = reader.integer(valueNode, Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE);
                YamlNode first = values.putIfAbsent(value, valueNode);
                if (first != null) {
                    duplicateValue = true;
                    problems.add(
                            valueNode,
                            "duplicate member value " + value + " (first used at line " + first.line() + ")");
                }
            }
            YamlNode storedNode = memberNode.get("stored");
            int stored = storedNode.isAbsent()
                    ? value
                    : reader.integer(storedNode, Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE);
            YamlNode located = storedNode.isAbsent() ? (valueNode.isAbsent() ? memberNode : valueNode) : storedNode;
            YamlNode firstStored = storedValues.putIfAbsent(stored, located);
            if (firstStored != null && !(duplicateValue && storedNode.isAbsent())) {
                problems.add(
                        located,
                        "duplicate stored value " + stored + " (first used at line " + firstStored.line() + ")");
            }
            name.ifPresent(memberName -> members.add(new OptionSet.Member(memberName, value, labels, stored)));
        }
        return members;
    }

    // ---- entities ----

    private Optional<EntityDefinition> entity(
            YamlNode node, Map<String, OptionSet> optionSets, UniqueNames logicalNames, UniqueNames entitySetNames) {
        reader.allowOnly(
                node,
                "logicalName",
                "entitySetName",
                "table",
                "labels",
                "visible",
                "key",
                "keyColumn",
                "alternateKeys",
                "keyStrategy",
                "companyField",
                "ownerField",
                "businessUnitField",
                "rowVersionField",
                "changeTracking",
                "createdByField",
                "modifiedByField",
                "createdOnField",
                "modifiedOnField",
                "fields",
                "relations",
                "primaryName");
        YamlNode logicalNameNode = node.get("logicalName");
        Optional<String> logicalName = name(logicalNameNode);
        logicalName.ifPresent(name -> {
            if (name.equalsIgnoreCase(RESERVED_LOGICAL_NAME)) {
                problems.add(logicalNameNode, "'" + name + "' is reserved for the built-in catalog entity");
            }
            logicalNames.check(logicalNameNode, name);
        });
        YamlNode entitySetNode = node.get("entitySetName");
        Optional<String> entitySetName = name(entitySetNode);
        entitySetName.ifPresent(name -> {
            if (name.equalsIgnoreCase(RESERVED_ENTITY_SET_NAME)) {
                problems.add(entitySetNode, "'" + name + "' is reserved: it is the built-in catalog entity set");
            }
            entitySetNames.check(entitySetNode, name);
            logicalName.ifPresent(
                    entityName -> entityByEntitySetName.putIfAbsent(name.toLowerCase(Locale.ROOT), entityName));
        });
        Optional<TableName> table = table(node.get("table"));
        Map<String, String> labels = labels(node.get("labels"));
        boolean visible = reader.bool(node.get("visible"), true);

        YamlNode keyNode = node.get("key");
        Optional<String> expectedKey = logicalName.map(name -> name + "id");
        boolean natural = keyNode.isSequence();
        Optional<String> key = keyNode.isAbsent() || natural ? expectedKey : name(keyNode);
        if (!keyNode.isAbsent() && !natural && key.isPresent() && expectedKey.isPresent() && !key.equals(expectedKey)) {
            problems.add(
                    keyNode,
                    "must be '" + expectedKey.get()
                            + "': Dataverse names the primary key <logicalName>id (or give a natural key as a list of"
                            + " fields, such as [mserp_dataareaid, mserp_customeraccount])");
        }

        KeyStrategy keyStrategy = keyStrategy(node.get("keyStrategy"));
        Fields fields = fields(node.get("fields"), natural ? Optional.empty() : key, optionSets);
        fields.derivedKey = natural;
        logicalName.ifPresent(entityName -> {
            locations.put(Element.entity(entityName), location(node));
            fields.nodes.forEach(
                    (fieldName, fieldNode) -> locations.put(Element.field(entityName, fieldName), location(fieldNode)));
            fieldsByEntity.putIfAbsent(entityName, fields);
        });
        Optional<DerivedKey> derivedKey = Optional.empty();
        if (natural) {
            YamlNode keyColumnNode = node.get("keyColumn");
            Optional<String> keyColumn = keyColumnNode.isAbsent() ? Optional.empty() : name(keyColumnNode);
            derivedKey = naturalKey(keyNode, keyColumnNode, keyColumn, logicalName, key, fields);
            derivedKey.ifPresent(naturalKey -> fields.naturalKeyFields = naturalKey.fieldNames());
            keyStrategy = naturalKeyStrategy(node.get("keyStrategy"), keyStrategy, derivedKey);
        } else if (!node.get("keyColumn").isAbsent()) {
            problems.add(node.get("keyColumn"), "keyColumn applies only to a natural key (key: [field, ...])");
        }
        if (key.isPresent() && fields.allNamesValid && !natural) {
            YamlNode keyField = fields.nodes.get(key.get());
            if (keyField == null) {
                problems.add(keyNode, "key field '" + key.get() + "' is not one of the entity's fields");
            } else {
                FieldType keyType = fields.types.get(key.get());
                if (keyType != null && keyType.kind() != FieldType.Kind.GUID) {
                    problems.add(keyField.get("type"), "the key field must be of type Guid, was " + keyType);
                }
            }
        }
        Optional<String> companyField =
                roleField(node.get("companyField"), fields, "a String", type -> type.kind() == FieldType.Kind.STRING);
        Optional<String> ownerField =
                roleField(node.get("ownerField"), fields, "a Guid", type -> type.kind() == FieldType.Kind.GUID);
        Optional<String> businessUnitField =
                roleField(node.get("businessUnitField"), fields, "a Guid", type -> type.kind() == FieldType.Kind.GUID);
        Optional<String> rowVersionField = roleField(
                node.get("rowVersionField"),
                fields,
                "an Int64 or Int32",
                type -> type.kind() == FieldType.Kind.INT64 || type.kind() == FieldType.Kind.INT32);
        YamlNode changeTrackingNode = node.get("changeTracking");
        boolean changeTracking = reader.bool(changeTrackingNode, false);
        // the field that names a row (Dataverse's PrimaryNameAttribute): a lookup's FormattedValue
        Optional<String> primaryName =
                roleField(node.get("primaryName"), fields, "a String", type -> type.kind() == FieldType.Kind.STRING);
        if (changeTracking
                && rowVersionField
                        .map(name -> fields.types.get(name))
                        .filter(type -> type != null && type.kind() == FieldType.Kind.INT64)
                        .isEmpty()) {
            problems.add(
                    changeTrackingNode,
                    "change tracking needs an Int64 rowVersionField (the gateway sets it from the entity's change"
                            + " counter)");
        }

        // Stamped fields: set by the gateway on every write, so each has one role, no default, and is read-only for
        // clients.
        Map<String, String> roles = new HashMap<>();
        key.ifPresent(name -> roles.put(name, "the key"));
        ownerField.ifPresent(name -> roles.putIfAbsent(name, "the ownerField"));
        businessUnitField.ifPresent(name -> roles.putIfAbsent(name, "the businessUnitField"));
        Optional<String> createdByField =
                stampedField(node, "createdByField", fields, roles, "a Guid", FieldType.Kind.GUID);
        Optional<String> modifiedByField =
                stampedField(node, "modifiedByField", fields, roles, "a Guid", FieldType.Kind.GUID);
        Optional<String> createdOnField = stampedField(
                node, "createdOnField", fields, roles, "a DateTimeOffset", FieldType.Kind.DATE_TIME_OFFSET);
        Optional<String> modifiedOnField = stampedField(
                node, "modifiedOnField", fields, roles, "a DateTimeOffset", FieldType.Kind.DATE_TIME_OFFSET);
        Set<String> stamped = new LinkedHashSet<>();
        for (Optional<String> field : List.of(createdByField, modifiedByField, createdOnField, modifiedOnField)) {
            field.ifPresent(stamped::add);
        }
        fields.definitions.replaceAll(field -> stamped.contains(field.logicalName()) ? field.asReadOnly() : field);

        readRelations(logicalName, node.get("relations"), fields);
        List<AlternateKey> alternateKeys = alternateKeys(node.get("alternateKeys"), fields);
        if (derivedKey.isPresent()) {
            addDerivedFields(derivedKey.get(), key.orElseThrow(), keyStrategy, companyField, fields);
            alternateKeys.add(
                    0,
                    new AlternateKey(AlternateKey.NATURAL_KEY, derivedKey.get().fieldNames()));
        }

        if (logicalName.isEmpty() || entitySetName.isEmpty() || table.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(EntityDefinition.builder(logicalName.get(), entitySetName.get(), table.get(), key.get())
                .labels(labels)
                .visible(visible)
                .fields(fields.definitions)
                .companyField(companyField)
                .ownerField(ownerField)
                .businessUnitField(businessUnitField)
                .rowVersionField(rowVersionField)
                .keyStrategy(keyStrategy)
                .createdByField(createdByField)
                .modifiedByField(modifiedByField)
                .createdOnField(createdOnField)
                .modifiedOnField(modifiedOnField)
                .alternateKeys(alternateKeys)
                .changeTracking(changeTracking)
                .primaryName(primaryName)
                .build());
    }

    /**
     * {@code key: [field, ...]}: each a declared field of a type a key may have, none twice, and no
     * declared field named {@code <logicalName>id} (the gateway derives it).
     */
    private Optional<DerivedKey> naturalKey(
            YamlNode keyNode,
            YamlNode keyColumnNode,
            Optional<String> keyColumn,
            Optional<String> logicalName,
            Optional<String> keyField,
            Fields fields) {
        List<YamlNode> elements = keyNode.elements();
        if (elements.isEmpty()) {
            problems.add(keyNode, "a natural key lists at least one field");
            return Optional.empty();
        }
        if (keyField.isPresent() && fields.nodes.containsKey(keyField.get())) {
            problems.add(
                    fields.nodes.get(keyField.get()).get("name"),
                    "'" + keyField.get() + "' is the GUID the gateway derives from the natural key "
                            + elements.stream()
                                    .map(element -> element.text().orElse("?"))
                                    .toList()
                            + "; remove this field (or declare key: " + keyField.get()
                            + " if the table has a GUID column)");
        }
        List<FieldDefinition> parts = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        boolean valid = fields.allNamesValid;
        for (YamlNode element : elements) {
            Optional<String> name = name(element);
            if (name.isEmpty()) {
                valid = false;
                continue;
            }
            if (!seen.add(name.get())) {
                problems.add(element, "field '" + name.get() + "' is listed twice in the key");
                valid = false;
                continue;
            }
            Optional<FieldDefinition> field = fields.definitions.stream()
                    .filter(definition -> definition.logicalName().equals(name.get()))
                    .findFirst();
            if (field.isEmpty()) {
                if (fields.allNamesValid && !fields.nodes.containsKey(name.get())) {
                    problems.add(element, "field '" + name.get() + "' is not one of the entity's fields");
                }
                valid = false;
                continue;
            }
            if (!DerivedKey.allowedPart(field.get().type())) {
                problems.add(
                        element,
                        "field '" + name.get() + "' is " + field.get().type()
                                + "; a key part is String, Int32, Int64, Guid, Date or Boolean (a value whose text is"
                                + " the same on every backend)");
                valid = false;
                continue;
            }
            parts.add(field.get());
        }
        if (!valid || logicalName.isEmpty()) {
            return Optional.empty();
        }
        DerivedKey derived = new DerivedKey(logicalName.get(), parts, keyColumn);
        if (keyColumn.isPresent()) {
            if (derived.scheme() == DerivedKey.Scheme.RECORD_ID) {
                problems.add(
                        keyColumnNode,
                        "a key of one Int32 or Int64 field is decoded from the GUID and seeks its own index; it needs"
                                + " no keyColumn");
                return Optional.empty();
            }
            for (FieldDefinition field : fields.definitions) {
                if (field.column().equalsIgnoreCase(keyColumn.get())) {
                    problems.add(
                            keyColumnNode,
                            "column '" + keyColumn.get() + "' is already the column of field '" + field.logicalName()
                                    + "'; keyColumn names the generated column holding the derived GUID");
                    return Optional.empty();
                }
            }
        }
        return Optional.of(derived);
    }

    /**
     * The key strategy of a natural key: a composite key's values always come from the client
     * ({@code client}, the default); a RecId-style key is filled by the database ({@code generated},
     * the default) or sent by the client ({@code client}).
     */
    private KeyStrategy naturalKeyStrategy(YamlNode node, KeyStrategy declared, Optional<DerivedKey> key) {
        if (key.isEmpty() || key.get().scheme() == DerivedKey.Scheme.RECORD_ID) {
            return declared;
        }
        if (!node.isAbsent() && declared != KeyStrategy.CLIENT) {
            problems.add(
                    node,
                    "a composite natural key takes its values from the client: keyStrategy must be client (the"
                            + " default), was '" + declared.catalogName() + "'");
        }
        return KeyStrategy.CLIENT;
    }

    /**
     * The fields the gateway adds to an entity with a natural key: the derived GUID key (first),
     * {@code mserp_primaryfield}, and {@code mserp_dataareaid} for the company field when it has
     * another name. Key parts become required; a database-filled RecId is read-only.
     */
    private static void addDerivedFields(
            DerivedKey key, String keyField, KeyStrategy strategy, Optional<String> companyField, Fields fields) {
        Set<String> parts = Set.copyOf(key.fieldNames());
        boolean databaseFilled = key.scheme() == DerivedKey.Scheme.RECORD_ID && !strategy.clientMayChooseKey();
        fields.definitions.replaceAll(field -> {
            if (!parts.contains(field.logicalName())) {
                return field;
            }
            return new FieldDefinition(
                    field.logicalName(),
                    field.column(),
                    field.type(),
                    !databaseFilled,
                    field.readOnly() || databaseFilled,
                    field.labels(),
                    field.defaultValue(),
                    field.validation(),
                    field.derived());
        });
        Set<String> declared = new LinkedHashSet<>(fields.nodes.keySet());
        fields.definitions.add(
                0,
                FieldDefinition.derived(
                        keyField,
                        key.storedColumn().orElse(keyField),
                        FieldType.of(FieldType.Kind.GUID),
                        Map.of(),
                        new DerivedValue(DerivedValue.Kind.GUID, key)));
        if (!declared.contains(DerivedKey.PRIMARY_FIELD)) {
            fields.definitions.add(FieldDefinition.derived(
                    DerivedKey.PRIMARY_FIELD,
                    DerivedKey.PRIMARY_FIELD,
                    FieldType.string(DerivedKey.PRIMARY_FIELD_LENGTH),
                    Map.of("en-US", "Primary field"),
                    new DerivedValue(DerivedValue.Kind.PRIMARY_TEXT, key)));
        }
        if (companyField.isPresent() && !declared.contains(DerivedKey.COMPANY_FIELD)) {
            fields.definitions.stream()
                    .filter(field -> field.logicalName().equals(companyField.get()))
                    .findFirst()
                    .ifPresent(company -> fields.definitions.add(new FieldDefinition(
                            DerivedKey.COMPANY_FIELD,
                            company.column(),
                            company.type(),
                            false,
                            true,
                            Map.of("en-US", "Company"))));
        }
    }

    /** {@code alternateKeys: [{name, fields: [...]}]}: each naming declared fields a key may have. */
    private List<AlternateKey> alternateKeys(YamlNode node, Fields fields) {
        List<AlternateKey> keys = new ArrayList<>();
        UniqueNames names = new UniqueNames("alternate key name");
        for (YamlNode keyNode : sequence(node)) {
            reader.allowOnly(keyNode, "name", "fields");
            YamlNode nameNode = keyNode.get("name");
            Optional<String> name = name(nameNode);
            name.ifPresent(value -> {
                names.check(nameNode, value);
                if (fields.derivedKey && value.equalsIgnoreCase(AlternateKey.NATURAL_KEY)) {
                    problems.add(nameNode, "'" + value + "' is the name of the natural key's alternate key");
                }
            });
            YamlNode fieldsNode = keyNode.get("fields");
            if (!fieldsNode.isSequence() || fieldsNode.elements().isEmpty()) {
                problems.add(fieldsNode, "must be a list of at least one field");
                continue;
            }
            List<String> keyFields = new ArrayList<>();
            boolean valid = true;
            for (YamlNode element : fieldsNode.elements()) {
                Optional<String> field = name(element);
                if (field.isEmpty()) {
                    valid = false;
                } else if (!fields.nodes.containsKey(field.get())) {
                    problems.add(element, "field '" + field.get() + "' is not one of the entity's fields");
                    valid = false;
                } else if (keyFields.contains(field.get())) {
                    problems.add(element, "field '" + field.get() + "' is listed twice");
                    valid = false;
                } else if (fields.types.get(field.get()) != null
                        && !DerivedKey.allowedPart(fields.types.get(field.get()))) {
                    problems.add(
                            element,
                            "field '" + field.get() + "' is " + fields.types.get(field.get())
                                    + "; an alternate key part is String, Int32, Int64, Guid, Date or Boolean");
                    valid = false;
                } else {
                    keyFields.add(field.get());
                }
            }
            if (valid && name.isPresent()) {
                keys.add(new AlternateKey(name.get(), keyFields));
            }
        }
        return keys;
    }

    private KeyStrategy keyStrategy(YamlNode node) {
        if (node.isAbsent()) {
            return KeyStrategy.GENERATED;
        }
        String text = node.text().orElse("");
        for (KeyStrategy strategy : KeyStrategy.values()) {
            if (strategy.catalogName().equals(text)) {
                return strategy;
            }
        }
        problems.add(node, "must be one of generated, client, generatedOrClient, was '" + text + "'");
        return KeyStrategy.GENERATED;
    }

    /** createdByField, modifiedByField, createdOnField, modifiedOnField: like a role field, and not sharing a field with another role. */
    private Optional<String> stampedField(
            YamlNode entityNode,
            String key,
            Fields fields,
            Map<String, String> roles,
            String expected,
            FieldType.Kind kind) {
        YamlNode node = entityNode.get(key);
        Optional<String> name = roleField(node, fields, expected, type -> type.kind() == kind);
        FieldType type = name.map(fields.types::get).orElse(null);
        if (type == null || type.kind() != kind) {
            return name; // absent, or already reported by roleField
        }
        String otherRole = roles.putIfAbsent(name.get(), "the " + key);
        if (otherRole != null) {
            problems.add(
                    node,
                    "field '" + name.get() + "' is already " + otherRole
                            + "; the gateway sets a stamped field itself, so it has no other role");
            return name;
        }
        YamlNode fieldNode = fields.nodes.get(name.get());
        if (fieldNode != null && !fieldNode.get("default").isAbsent()) {
            problems.add(
                    fieldNode.get("default"),
                    "field '" + name.get() + "' is the " + key
                            + ", which the gateway sets on every write: it has no default");
        }
        return name;
    }

    /** The fields of one entity as read: definitions of the valid ones, and node and type by name for the cross-checks. */
    private static final class Fields {
        final List<FieldDefinition> definitions = new ArrayList<>();
        final Map<String, YamlNode> nodes = new LinkedHashMap<>();
        final Map<String, FieldType> types = new HashMap<>();
        Optional<String> key = Optional.empty();
        boolean allNamesValid = true;
        /** Whether the entity's GUID key is derived from a natural key (so a relation to it names a targetField). */
        boolean derivedKey;
        /** The natural key's fields in key order, once read (a relation over several fields refers to them). */
        List<String> naturalKeyFields = List.of();
    }

    private Fields fields(YamlNode node, Optional<String> key, Map<String, OptionSet> optionSets) {
        Fields fields = new Fields();
        fields.key = key;
        List<YamlNode> fieldNodes = sequence(node);
        if (fieldNodes.isEmpty() && (node.isAbsent() || node.isSequence())) {
            problems.add(node, "at least one field (the key) is required");
        }
        UniqueNames names = new UniqueNames("field name");
        UniqueNames columns = new UniqueNames("column");
        for (YamlNode fieldNode : fieldNodes) {
            reader.allowOnly(
                    fieldNode, "name", "column", "type", "required", "readOnly", "labels", "default", "validation");
            YamlNode nameNode = fieldNode.get("name");
            Optional<String> name = name(nameNode);
            name.ifPresentOrElse(value -> names.check(nameNode, value), () -> fields.allNamesValid = false);
            YamlNode columnNode = fieldNode.get("column");
            Optional<String> column = name(columnNode);
            column.ifPresent(value -> columns.check(columnNode, value));
            Optional<FieldType> type = type(fieldNode.get("type"), optionSets.keySet());
            boolean required = reader.bool(fieldNode.get("required"), false);
            boolean readOnly = reader.bool(fieldNode.get("readOnly"), false);
            Map<String, String> labels = labels(fieldNode.get("labels"));
            boolean isKey = key.isPresent() && name.isPresent() && key.get().equals(name.get());
            Optional<OptionSet> optionSet = type.flatMap(FieldType::optionSet).map(optionSets::get);
            if (type.filter(value -> value.kind() == FieldType.Kind.BOOLEAN).isPresent()
                    && optionSet.isPresent()
                    && (optionSet.get().members().size() != 2
                            || optionSet.get().byValue(0).isEmpty()
                            || optionSet.get().byValue(1).isEmpty())) {
                problems.add(
                        fieldNode.get("type"),
                        "the option set of a Boolean has exactly two members, of value 0 (false) and 1 (true)");
            }
            FieldValidation validation = type.map(value -> validation(fieldNode.get("validation"), value, optionSet))
                    .orElse(FieldValidation.NONE);
            Optional<Object> defaultValue =
                    type.flatMap(value -> defaultValue(fieldNode.get("default"), value, optionSet, validation, isKey));
            if (name.isEmpty()) {
                continue;
            }
            fields.nodes.putIfAbsent(name.get(), fieldNode);
            type.ifPresent(value -> fields.types.putIfAbsent(name.get(), value));
            if (column.isPresent() && type.isPresent()) {
                // The key is implicitly required and read-only: Dataverse clients never change a record's id.
                fields.definitions.add(new FieldDefinition(
                        name.get(),
                        column.get(),
                        type.get(),
                        required || isKey,
                        readOnly || isKey,
                        labels,
                        defaultValue,
                        validation));
            }
        }
        return fields;
    }

    /** {@code validation: { min, max, pattern }}: bounds for numeric and date fields, a regular expression for String fields. */
    private FieldValidation validation(YamlNode node, FieldType type, Optional<OptionSet> optionSet) {
        if (node.isAbsent()) {
            return FieldValidation.NONE;
        }
        reader.allowOnly(node, "min", "max", "pattern");
        if (!node.isMapping()) {
            return FieldValidation.NONE;
        }
        Optional<Comparable<?>> minimum = bound(node.get("min"), type, optionSet);
        Optional<Comparable<?>> maximum = bound(node.get("max"), type, optionSet);
        if (minimum.isPresent()
                && maximum.isPresent()
                && FieldValidation.range(minimum, Optional.empty())
                        .violation(maximum.get())
                        .isPresent()) {
            problems.add(node.get("max"), "must not be less than min (" + minimum.get() + ")");
            maximum = Optional.empty();
        }
        Optional<Pattern> pattern = Optional.empty();
        YamlNode patternNode = node.get("pattern");
        if (!patternNode.isAbsent()) {
            String text = reader.requiredString(patternNode);
            if (type.kind() != FieldType.Kind.STRING) {
                problems.add(patternNode, "pattern applies to String fields, not to " + type);
            } else if (!text.isEmpty()) {
                try {
                    pattern = Optional.of(Pattern.compile(text));
                } catch (PatternSyntaxException e) {
                    problems.add(
                            patternNode,
                            "is not a valid regular expression: " + e.getDescription()
                                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "") + ", was '" + text
                                    + "'");
                }
            }
        }
        return new FieldValidation(minimum, maximum, pattern);
    }

    /** min or max: a literal of the field's numeric or date type; numbers become BigDecimal. */
    private Optional<Comparable<?>> bound(YamlNode node, FieldType type, Optional<OptionSet> optionSet) {
        if (node.isAbsent()) {
            return Optional.empty();
        }
        boolean numeric =
                switch (type.kind()) {
                    case INT32, INT64, DECIMAL, DOUBLE -> true;
                    case STRING, BOOLEAN, DATE, DATE_TIME_OFFSET, GUID, ENUM, MULTI_ENUM -> false;
                };
        boolean temporal = type.kind() == FieldType.Kind.DATE || type.kind() == FieldType.Kind.DATE_TIME_OFFSET;
        if (!numeric && !temporal) {
            problems.add(
                    node,
                    "min and max apply to Int32, Int64, Decimal, Double, Date and DateTimeOffset fields, not to "
                            + type);
            return Optional.empty();
        }
        return literal(node, type, optionSet)
                .map(value -> numeric ? FieldLiterals.toBigDecimal(value) : (Comparable<?>) value);
    }

    private Optional<Object> defaultValue(
            YamlNode node, FieldType type, Optional<OptionSet> optionSet, FieldValidation validation, boolean isKey) {
        if (node.isAbsent()) {
            return Optional.empty();
        }
        if (isKey) {
            problems.add(
                    node, "the key field has no default: the entity's keyStrategy says who chooses a new row's key");
            return Optional.empty();
        }
        Optional<Object> value = literal(node, type, optionSet);
        Optional<String> violation = value.flatMap(validation::violation);
        if (violation.isPresent()) {
            problems.add(
                    node,
                    "the default " + node.text().orElse("") + " fails the field's validation: it " + violation.get());
            return Optional.empty();
        }
        return value;
    }

    /** A scalar read as a value of {@code type}. */
    private Optional<Object> literal(YamlNode node, FieldType type, Optional<OptionSet> optionSet) {
        Optional<String> text = node.text();
        if (text.isEmpty()) {
            problems.add(
                    node,
                    "must be a single value of type " + type + " (a text, number, true/false, date or member name)");
            return Optional.empty();
        }
        if (optionSet.isEmpty() && (type.kind() == FieldType.Kind.ENUM || type.kind() == FieldType.Kind.MULTI_ENUM)) {
            return Optional.empty(); // the option set itself has problems
        }
        try {
            return Optional.of(FieldLiterals.parse(type, text.get(), optionSet));
        } catch (IllegalArgumentException e) {
            problems.add(node, e.getMessage());
            return Optional.empty();
        }
    }

    /** companyField, ownerField, businessUnitField, rowVersionField: optional, naming an existing field of the right type. */
    private Optional<String> roleField(YamlNode node, Fields fields, String expected, Predicate<FieldType> fits) {
        if (node.isAbsent()) {
            return Optional.empty();
        }
        Optional<String> name = name(node);
        if (name.isEmpty() || !fields.allNamesValid) {
            return name;
        }
        if (!fields.nodes.containsKey(name.get())) {
            problems.add(node, "field '" + name.get() + "' is not one of the entity's fields");
            return name;
        }
        FieldType type = fields.types.get(name.get());
        if (type != null && !fits.test(type)) {
            problems.add(node, "must name " + expected + " field, but '" + name.get() + "' is " + type);
        }
        return name;
    }

    private Optional<TableName> table(YamlNode node) {
        String text = reader.requiredString(node);
        if (text.isBlank()) {
            return Optional.empty();
        }
        String[] parts = text.split("\\.", -1);
        boolean valid = parts.length <= 2;
        for (String part : parts) {
            valid &= NAME.matcher(part).matches();
        }
        if (!valid) {
            problems.add(node, "must be table or schema.table, each part " + NAME_RULE + ", was '" + text + "'");
            return Optional.empty();
        }
        return Optional.of(TableName.parse(text));
    }

    /** {@code String(n)}, {@code Decimal(p,s)}, {@code Enum(set)} and the plain type names. */
    private Optional<FieldType> type(YamlNode node, Set<String> optionSetNames) {
        String text = reader.requiredString(node).trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        switch (text) {
            case "String":
                return Optional.of(FieldType.of(FieldType.Kind.STRING));
            case "Int32":
                return Optional.of(FieldType.of(FieldType.Kind.INT32));
            case "Int64":
                return Optional.of(FieldType.of(FieldType.Kind.INT64));
            case "Double":
                return Optional.of(FieldType.of(FieldType.Kind.DOUBLE));
            case "Boolean":
                return Optional.of(FieldType.of(FieldType.Kind.BOOLEAN));
            case "Date":
                return Optional.of(FieldType.of(FieldType.Kind.DATE));
            case "DateTimeOffset":
                return Optional.of(FieldType.of(FieldType.Kind.DATE_TIME_OFFSET));
            case "Guid":
                return Optional.of(FieldType.of(FieldType.Kind.GUID));
            default:
                break;
        }
        Matcher string = STRING_TYPE.matcher(text);
        if (string.matches()) {
            int length = Integer.parseInt(string.group(1));
            if (length < 1 || length > MAXIMUM_STRING_LENGTH) {
                problems.add(
                        node,
                        "String length must be between 1 and " + MAXIMUM_STRING_LENGTH + ", was " + length
                                + " (write plain String for unlimited text)");
                return Optional.empty();
            }
            return Optional.of(FieldType.string(length));
        }
        Matcher decimal = DECIMAL_TYPE.matcher(text);
        if (decimal.matches()) {
            int precision = Integer.parseInt(decimal.group(1));
            int scale = Integer.parseInt(decimal.group(2));
            if (precision < 1 || precision > MAXIMUM_DECIMAL_PRECISION || scale > precision) {
                problems.add(
                        node,
                        "Decimal(p,s) needs 1 <= p <= " + MAXIMUM_DECIMAL_PRECISION + " and 0 <= s <= p, was " + text);
                return Optional.empty();
            }
            return Optional.of(FieldType.decimal(precision, scale));
        }
        Matcher enumeration = ENUM_TYPE.matcher(text);
        if (enumeration.matches()) {
            String optionSet = enumeration.group(1);
            if (!optionSetNames.contains(optionSet)) {
                problems.add(node, "option set '" + optionSet + "' is not declared under optionSets");
                return Optional.empty();
            }
            return Optional.of(FieldType.enumeration(optionSet));
        }
        Matcher multiEnumeration = MULTI_ENUM_TYPE.matcher(text);
        if (multiEnumeration.matches()) {
            String optionSet = multiEnumeration.group(1);
            if (!optionSetNames.contains(optionSet)) {
                problems.add(node, "option set '" + optionSet + "' is not declared under optionSets");
                return Optional.empty();
            }
            return Optional.of(FieldType.multiEnumeration(optionSet));
        }
        Matcher labelledBoolean = BOOLEAN_TYPE.matcher(text);
        if (labelledBoolean.matches()) {
            String optionSet = labelledBoolean.group(1);
            if (!optionSetNames.contains(optionSet)) {
                problems.add(node, "option set '" + optionSet + "' is not declared under optionSets");
                return Optional.empty();
            }
            return Optional.of(FieldType.labelledBoolean(optionSet));
        }
        problems.add(node, "unknown type '" + text + "' (allowed: " + ALLOWED_TYPES + ")");
        return Optional.empty();
    }

    // ---- relations ----

    /** A relation as read, checked against its target once every entity is known. */
    private record PendingRelation(
            String entity,
            YamlNode node,
            String name,
            String field,
            Optional<String> target,
            Optional<String> targetField,
            Optional<String> partner,
            boolean hierarchical,
            List<String> compositeFields,
            List<String> compositeTargetFields) {}

    private void readRelations(Optional<String> entityName, YamlNode node, Fields fields) {
        UniqueNames names = new UniqueNames("relation name");
        Map<String, String> fieldNames = new HashMap<>();
        fields.nodes.keySet().forEach(fieldName -> fieldNames.put(fieldName.toLowerCase(Locale.ROOT), fieldName));
        for (YamlNode relationNode : sequence(node)) {
            reader.allowOnly(
                    relationNode, "name", "field", "target", "targetField", "partner", "hierarchical", "lookupField");
            YamlNode nameNode = relationNode.get("name");
            Optional<String> name = name(nameNode);
            name.ifPresent(value -> {
                names.check(nameNode, value);
                String field = fieldNames.get(value.toLowerCase(Locale.ROOT));
                if (field != null) {
                    problems.add(
                            nameNode,
                            "'" + value + "' is already the name of field '" + field + "' (declared at line "
                                    + fields.nodes.get(field).line()
                                    + "): fields and relations share one namespace, compared ignoring case");
                }
            });
            YamlNode fieldNode = relationNode.get("field");
            YamlNode targetFieldNode = relationNode.get("targetField");
            boolean composite = fieldNode.isSequence() || targetFieldNode.isSequence();
            List<String> compositeFields = List.of();
            List<String> compositeTargetFields = List.of();
            Optional<String> field;
            if (composite) {
                compositeFields = fieldList(fieldNode, "field", fields);
                compositeTargetFields = fieldList(targetFieldNode, "targetField", null);
                field = name.flatMap(relationName -> lookupField(relationNode, relationName, fields));
                if (compositeFields.isEmpty() || compositeTargetFields.isEmpty()) {
                    field = Optional.empty();
                } else if (compositeFields.size() != compositeTargetFields.size()) {
                    problems.add(
                            targetFieldNode,
                            "a relation over several fields pairs each field with a targetField: field lists "
                                    + compositeFields.size() + ", targetField " + compositeTargetFields.size());
                    field = Optional.empty();
                }
            } else {
                field = name(fieldNode);
                if (!relationNode.get("lookupField").isAbsent()) {
                    problems.add(
                            relationNode.get("lookupField"),
                            "lookupField applies only to a relation over several fields (field: [field, ...]); a"
                                    + " relation over one field is served as the lookup of that field");
                }
            }
            if (!composite && field.isPresent() && fields.allNamesValid && !fields.nodes.containsKey(field.get())) {
                problems.add(fieldNode, "field '" + field.get() + "' is not one of the entity's fields");
                field = Optional.empty();
            }
            Optional<String> target = name(relationNode.get("target"));
            Optional<String> targetField =
                    targetFieldNode.isAbsent() || composite ? Optional.empty() : name(targetFieldNode);
            YamlNode partnerNode = relationNode.get("partner");
            Optional<String> partner = partnerNode.isAbsent() ? Optional.empty() : name(partnerNode);
            if (entityName.isPresent() && name.isPresent()) {
                locations.putIfAbsent(Element.field(entityName.get(), name.get()), location(relationNode));
                if (field.isPresent()) {
                    if (composite) {
                        locations.putIfAbsent(Element.field(entityName.get(), field.get()), location(relationNode));
                    }
                    pendingRelations.add(new PendingRelation(
                            entityName.get(),
                            relationNode,
                            name.get(),
                            field.get(),
                            target,
                            targetField,
                            partner,
                            reader.bool(relationNode.get("hierarchical"), false),
                            compositeFields,
                            compositeTargetFields));
                }
            }
        }
    }

    /**
     * The names of a relation's {@code field} or {@code targetField} list (at least two, none twice);
     * each declared by the entity when {@code fields} is given. Empty after reporting a problem.
     */
    private List<String> fieldList(YamlNode node, String key, Fields fields) {
        if (node.isAbsent() || !node.isSequence()) {
            problems.add(
                    node,
                    "a relation over several fields lists both field and targetField, such as field:"
                            + " [mserp_dataareaid, mserp_orderaccount] and targetField: [mserp_dataareaid,"
                            + " mserp_customeraccount]; " + key + " must be a list too");
            return List.of();
        }
        List<YamlNode> elements = node.elements();
        if (elements.size() < 2) {
            problems.add(node, key + " lists at least two fields (a relation over one field names it without a list)");
            return List.of();
        }
        List<String> names = new ArrayList<>();
        boolean valid = true;
        for (YamlNode element : elements) {
            Optional<String> name = name(element);
            if (name.isEmpty()) {
                valid = false;
                continue;
            }
            if (names.contains(name.get())) {
                problems.add(element, "field '" + name.get() + "' is listed twice in " + key);
                valid = false;
                continue;
            }
            if (fields != null && fields.allNamesValid && !fields.nodes.containsKey(name.get())) {
                problems.add(element, "field '" + name.get() + "' is not one of the entity's fields");
                valid = false;
                continue;
            }
            names.add(name.get());
        }
        return valid ? names : List.of();
    }

    /**
     * The lookup field a relation over several fields adds to its entity (the target's GUID,
     * computed): {@code lookupField}, or the relation's name in lower case followed by {@code id}.
     */
    private Optional<String> lookupField(YamlNode relationNode, String relationName, Fields fields) {
        YamlNode node = relationNode.get("lookupField");
        Optional<String> lookup =
                node.isAbsent() ? Optional.of(relationName.toLowerCase(Locale.ROOT) + "id") : name(node);
        if (lookup.isEmpty()) {
            return lookup;
        }
        for (String field : fields.nodes.keySet()) {
            if (field.equalsIgnoreCase(lookup.get())) {
                problems.add(
                        node.isAbsent() ? relationNode.get("name") : node,
                        "the lookup field '" + lookup.get() + "' of this relation over several fields collides with"
                                + " field '" + field + "' (declared at line "
                                + fields.nodes.get(field).line()
                                + "); name another with lookupField");
                return Optional.empty();
            }
        }
        return lookup;
    }

    /**
     * Checks each relation's target and target field, and that its partner (the collection-valued
     * navigation property on the target) has a name of its own there; by entity logical name.
     */
    private Map<String, List<RelationDefinition>> relations() {
        Map<String, List<RelationDefinition>> relations = new HashMap<>();
        Map<String, Map<String, PendingRelation>> partnersByTarget = new HashMap<>();
        for (PendingRelation relation : pendingRelations) {
            if (relation.target().isEmpty()) {
                continue;
            }
            String targetName = relation.target().get();
            YamlNode targetNode = relation.node().get("target");
            Fields target = fieldsByEntity.get(targetName);
            if (target == null) {
                problems.add(
                        targetNode,
                        "entity '" + targetName + "' is not declared under entities" + entitySetHint(targetName));
                continue;
            }
            if (!relation.compositeFields().isEmpty()) {
                compositeRelation(relation, targetName, target).ifPresent(definition -> {
                    checkPartner(relation, targetName, target, partnersByTarget);
                    relations
                            .computeIfAbsent(relation.entity(), entity -> new ArrayList<>())
                            .add(definition);
                });
                continue;
            }
            YamlNode targetFieldNode = relation.node().get("targetField");
            if (relation.targetField().isEmpty() && target.derivedKey) {
                problems.add(
                        targetNode,
                        "entity '" + targetName + "' derives its GUID key from a natural key; name the targetField"
                                + " the lookup field refers to (one of its fields)");
                continue;
            }
            Optional<String> targetField = relation.targetField().or(() -> target.key);
            if (targetField.isEmpty()) {
                continue;
            }
            if (!target.nodes.containsKey(targetField.get())) {
                if (target.allNamesValid) {
                    problems.add(
                            targetFieldNode.isAbsent() ? targetNode : targetFieldNode,
                            "field '" + targetField.get() + "' is not one of the fields of '" + targetName + "'");
                }
                continue;
            }
            FieldType sourceType = fieldsByEntity.get(relation.entity()).types.get(relation.field());
            FieldType targetType = target.types.get(targetField.get());
            if (sourceType != null && targetType != null && !sameKind(sourceType, targetType)) {
                problems.add(
                        relation.node().get("field"),
                        "field '" + relation.field() + "' is " + sourceType + ", but it refers to '" + targetName + "."
                                + targetField.get() + "', which is " + targetType);
                continue;
            }
            if (relation.hierarchical()) {
                if (!targetName.equals(relation.entity())) {
                    problems.add(
                            relation.node().get("hierarchical"),
                            "a hierarchical relation refers to its own entity ('" + relation.entity() + "'), not to '"
                                    + targetName + "'");
                    continue;
                }
                boolean another = relations.getOrDefault(relation.entity(), List.of()).stream()
                        .anyMatch(RelationDefinition::hierarchical);
                if (another) {
                    problems.add(
                            relation.node().get("hierarchical"),
                            "entity '" + relation.entity() + "' already has a hierarchical relation; an entity has"
                                    + " one hierarchy");
                    continue;
                }
            }
            checkPartner(relation, targetName, target, partnersByTarget);
            relations
                    .computeIfAbsent(relation.entity(), entity -> new ArrayList<>())
                    .add(new RelationDefinition(
                            relation.name(),
                            relation.field(),
                            targetName,
                            targetField.get(),
                            relation.partner(),
                            relation.hierarchical(),
                            Optional.empty()));
        }
        return relations;
    }

    /**
     * A relation over several fields: its target fields must be the target's natural key (in any
     * order), each paired with a field of the same kind, and it is not a hierarchy. Its lookup field
     * is the target's derived GUID computed from the declaring entity's fields.
     */
    private Optional<RelationDefinition> compositeRelation(PendingRelation relation, String targetName, Fields target) {
        YamlNode targetFieldNode = relation.node().get("targetField");
        if (relation.hierarchical()) {
            problems.add(
                    relation.node().get("hierarchical"),
                    "a hierarchical relation is over one field; a relation over several fields cannot be one");
            return Optional.empty();
        }
        List<String> targetFields = relation.compositeTargetFields();
        for (String targetField : targetFields) {
            if (!target.nodes.containsKey(targetField)) {
                if (target.allNamesValid) {
                    problems.add(
                            targetFieldNode,
                            "field '" + targetField + "' is not one of the fields of '" + targetName + "'");
                }
                return Optional.empty();
            }
        }
        if (target.naturalKeyFields.isEmpty()
                || !Set.copyOf(targetFields).equals(Set.copyOf(target.naturalKeyFields))) {
            problems.add(
                    targetFieldNode,
                    "targetField " + targetFields + " must be the natural key of '" + targetName + "'"
                            + (target.naturalKeyFields.isEmpty()
                                    ? " (it has none: key: [field, ...])"
                                    : " (" + target.naturalKeyFields + ", in any order)")
                            + ", so that it identifies one record of it");
            return Optional.empty();
        }
        Fields source = fieldsByEntity.get(relation.entity());
        List<FieldDefinition> parts = new ArrayList<>();
        boolean required = true;
        for (String targetField : target.naturalKeyFields) {
            String sourceField = relation.compositeFields().get(targetFields.indexOf(targetField));
            FieldType sourceType = source.types.get(sourceField);
            FieldType targetType = target.types.get(targetField);
            Optional<FieldDefinition> definition = source.definitions.stream()
                    .filter(candidate -> candidate.logicalName().equals(sourceField))
                    .findFirst();
            if (sourceType == null || targetType == null || definition.isEmpty()) {
                return Optional.empty();
            }
            if (!sameKind(sourceType, targetType)) {
                problems.add(
                        relation.node().get("field"),
                        "field '" + sourceField + "' is " + sourceType + ", but it refers to '" + targetName + "."
                                + targetField + "', which is " + targetType);
                return Optional.empty();
            }
            parts.add(definition.get());
            required &= definition.get().required();
        }
        String lookup = relation.field();
        DerivedKey key = new DerivedKey(targetName, parts, Optional.empty());
        FieldDefinition lookupField = new FieldDefinition(
                lookup,
                lookup,
                FieldType.of(FieldType.Kind.GUID),
                required,
                true,
                Map.of(),
                Optional.empty(),
                FieldValidation.NONE,
                Optional.of(new DerivedValue(DerivedValue.Kind.GUID, key)));
        lookupFields
                .computeIfAbsent(relation.entity(), entity -> new ArrayList<>())
                .add(lookupField);
        List<String> orderedSource =
                parts.stream().map(FieldDefinition::logicalName).toList();
        return Optional.of(new RelationDefinition(
                relation.name(),
                lookup,
                targetName,
                targetName + "id",
                relation.partner(),
                false,
                Optional.of(new RelationDefinition.CompositeReference(orderedSource, target.naturalKeyFields))));
    }

    /**
     * The partner's name must differ (ignoring case, as fields and relations do) from every field
     * and relation of the target and from every other partner on it.
     */
    private void checkPartner(
            PendingRelation relation,
            String targetName,
            Fields target,
            Map<String, Map<String, PendingRelation>> partnersByTarget) {
        String partner =
                relation.partner().orElse(RelationDefinition.defaultPartnerName(relation.entity(), relation.name()));
        YamlNode partnerNode = relation.node().get("partner");
        YamlNode where = partnerNode.isAbsent() ? relation.node().get("name") : partnerNode;
        String what = partnerNode.isAbsent()
                ? "the default partner name '" + partner + "' (<entity>_<relation>; set 'partner' to choose another)"
                : "partner '" + partner + "'";
        String lowerCase = partner.toLowerCase(Locale.ROOT);
        for (String field : target.nodes.keySet()) {
            if (field.toLowerCase(Locale.ROOT).equals(lowerCase)) {
                problems.add(
                        where,
                        what + " collides with field '" + field + "' of '" + targetName + "' (declared at line "
                                + target.nodes.get(field).line()
                                + "): a navigation property needs a name of its own on its entity, compared ignoring case");
                return;
            }
        }
        for (PendingRelation other : pendingRelations) {
            if (other.entity().equals(targetName)
                    && other.name().toLowerCase(Locale.ROOT).equals(lowerCase)) {
                problems.add(
                        where,
                        what + " collides with relation '" + other.name() + "' of '" + targetName
                                + "' (declared at line " + other.node().line()
                                + "): a navigation property needs a name of its own on its entity, compared ignoring case");
                return;
            }
        }
        PendingRelation first = partnersByTarget
                .computeIfAbsent(targetName, name -> new HashMap<>())
                .putIfAbsent(lowerCase, relation);
        if (first != null) {
            problems.add(
                    where,
                    what + " of '" + targetName + "' is already the partner of relation '" + first.name() + "' of '"
                            + first.entity() + "' (declared at line "
                            + first.node().line()
                            + "): a navigation property needs a name of its own on its entity, compared ignoring case");
        }
    }

    /** Types a lookup may join on: the same kind, and for Enum the same option set (lengths and precisions may differ). */
    private static boolean sameKind(FieldType source, FieldType target) {
        return source.kind() == target.kind() && source.optionSet().equals(target.optionSet());
    }

    private String entitySetHint(String name) {
        String entity = entityByEntitySetName.get(name.toLowerCase(Locale.ROOT));
        return entity == null
                ? ""
                : " ('" + name + "' is an entity set name; give the entity's logical name '" + entity + "')";
    }

    private EntityDefinition withRelations(EntityDefinition entity, List<RelationDefinition> relations) {
        List<FieldDefinition> lookups = lookupFields.getOrDefault(entity.logicalName(), List.of());
        if (!lookups.isEmpty()) {
            List<FieldDefinition> fields = new ArrayList<>(entity.fields());
            fields.addAll(lookups);
            entity = entity.toBuilder().fields(fields).build();
        }
        return relations.isEmpty() ? entity : entity.withRelations(relations);
    }

    // ---- actions ----

    private List<ActionDefinition> actions(YamlNode node, List<EntityDefinition> entities) {
        UniqueNames names = new UniqueNames("action name");
        List<ActionDefinition> actions = new ArrayList<>();
        for (YamlNode actionNode : sequence(node)) {
            int problemsBefore = problems.list().size();
            reader.allowOnly(actionNode, "name", "boundTo", "parameters", "returns", "sql", "handler");
            YamlNode nameNode = actionNode.get("name");
            Optional<String> name = name(nameNode);
            name.ifPresent(value -> names.check(nameNode, value));

            YamlNode boundToNode = actionNode.get("boundTo");
            Optional<String> boundEntity = boundToNode.isAbsent() ? Optional.empty() : name(boundToNode);
            boundEntity.ifPresent(entity -> {
                if (!fieldsByEntity.containsKey(entity)) {
                    problems.add(
                            boundToNode,
                            "entity '" + entity + "' is not declared under entities" + entitySetHint(entity));
                }
            });
            if (boundToNode.isAbsent()) {
                // An unbound action becomes an action import, which shares the entity container's names with the entity
                // sets.
                name.ifPresent(value -> {
                    if (entityByEntitySetName.containsKey(value.toLowerCase(Locale.ROOT))
                            || value.equalsIgnoreCase(RESERVED_ENTITY_SET_NAME)) {
                        problems.add(
                                nameNode,
                                "'" + value + "' is an entity set name; an unbound action needs a name of its own");
                    }
                });
            }

            List<ActionParameter> parameters = actionParameters(actionNode.get("parameters"));
            YamlNode returnsNode = actionNode.get("returns");
            Optional<FieldType> returns = returnsNode.isAbsent() ? Optional.empty() : actionType(returnsNode);

            YamlNode sqlNode = actionNode.get("sql");
            YamlNode handlerNode = actionNode.get("handler");
            Optional<String> sql = Optional.empty();
            Optional<String> handler = Optional.empty();
            if (sqlNode.isAbsent() && handlerNode.isAbsent()) {
                problems.add(actionNode, "an action needs sql (one statement) or handler (a Java class)");
            } else if (!sqlNode.isAbsent() && !handlerNode.isAbsent()) {
                problems.add(handlerNode, "give either sql or handler, not both");
            } else if (!sqlNode.isAbsent()) {
                Optional<EntityDefinition> bound = boundEntity.flatMap(entityName -> entities.stream()
                        .filter(entity -> entity.logicalName().equals(entityName))
                        .findFirst());
                sql = actionSql(sqlNode, parameters, boundToNode.isAbsent(), bound);
            } else {
                String text = reader.requiredString(handlerNode).trim();
                if (!text.isEmpty() && !CLASS_NAME.matcher(text).matches()) {
                    problems.add(
                            handlerNode,
                            "must be a Java class name such as com.example.PlaceOnHold, was '" + text + "'");
                } else if (!text.isEmpty()) {
                    handler = Optional.of(text);
                }
            }
            if (name.isPresent()) {
                actionLocations.putIfAbsent(name.get(), location(actionNode));
            }
            if (name.isPresent() && problems.list().size() == problemsBefore) {
                actions.add(new ActionDefinition(name.get(), boundEntity, parameters, returns, sql, handler));
            }
        }
        return actions;
    }

    private List<ActionParameter> actionParameters(YamlNode node) {
        UniqueNames names = new UniqueNames("parameter name");
        List<ActionParameter> parameters = new ArrayList<>();
        for (YamlNode parameterNode : sequence(node)) {
            reader.allowOnly(parameterNode, "name", "type", "required");
            YamlNode nameNode = parameterNode.get("name");
            Optional<String> name = name(nameNode);
            name.ifPresent(value -> {
                names.check(nameNode, value);
                if (RESERVED_PARAMETER_NAMES.contains(value.toLowerCase(Locale.ROOT))) {
                    problems.add(
                            nameNode,
                            "'" + value
                                    + "' is reserved: :key, :user_id and :user_businessunit are set by the gateway");
                }
            });
            Optional<FieldType> type = actionType(parameterNode.get("type"));
            boolean required = reader.bool(parameterNode.get("required"), false);
            if (name.isPresent() && type.isPresent()) {
                parameters.add(new ActionParameter(name.get(), type.get(), required));
            }
        }
        return parameters;
    }

    /** String, String(n), Int32, Int64, Decimal(p,s), Boolean, Guid, Date, DateTimeOffset. */
    private Optional<FieldType> actionType(YamlNode node) {
        Optional<String> text = node.text().map(String::trim);
        if (text.isPresent()
                && !text.get().isEmpty()
                && !PLAIN_ACTION_TYPES.contains(text.get())
                && !STRING_TYPE.matcher(text.get()).matches()
                && !DECIMAL_TYPE.matcher(text.get()).matches()) {
            problems.add(node, "action parameters and results are " + ACTION_TYPES + ", was '" + text.get() + "'");
            return Optional.empty();
        }
        return type(node, Set.of());
    }

    /** The statement, when it parses and every :name in it is a declared parameter or one the gateway sets. */
    private Optional<String> actionSql(
            YamlNode node, List<ActionParameter> parameters, boolean unbound, Optional<EntityDefinition> bound) {
        String text = reader.requiredString(node);
        if (text.isBlank()) {
            return Optional.empty();
        }
        NamedParameterSql statement;
        try {
            statement = NamedParameterSql.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(node, e.getMessage());
            return Optional.empty();
        }
        Map<String, String> declared = new LinkedHashMap<>();
        parameters.forEach(parameter -> declared.put(parameter.name(), parameter.name()));
        boolean valid = true;
        for (String name : new LinkedHashSet<>(statement.parameterNames())) {
            if (declared.containsKey(name)
                    || name.equals(ActionDefinition.USER_ID_PARAMETER)
                    || name.equals(ActionDefinition.USER_BUSINESS_UNIT_PARAMETER)) {
                continue;
            }
            valid = false;
            if (name.equals(ActionDefinition.KEY_PARAMETER)) {
                if (unbound) {
                    problems.add(node, ":key is the bound row's key, so only a bound action (with boundTo) may use it");
                } else {
                    valid = true;
                }
                continue;
            }
            if (name.equals(ActionDefinition.CHANGE_VERSION_PARAMETER)) {
                if (bound.filter(EntityDefinition::changeTracking).isPresent()) {
                    valid = true;
                } else {
                    problems.add(
                            node,
                            ":change_version is the bound entity's next change version, so only an action bound to"
                                    + " an entity with changeTracking: true may use it");
                }
                continue;
            }
            if (name.startsWith(ActionDefinition.KEY_PART_PREFIX)) {
                String part = name.substring(ActionDefinition.KEY_PART_PREFIX.length());
                Optional<DerivedKey> naturalKey = bound.flatMap(EntityDefinition::derivedKey);
                if (naturalKey.isPresent() && naturalKey.get().fieldNames().contains(part)) {
                    valid = true;
                } else {
                    problems.add(
                            node,
                            ":" + name + " is a part of the bound row's natural key, so only an action bound to an"
                                    + " entity with a natural key may use it, for one of its key fields"
                                    + naturalKey
                                            .map(key -> " (" + String.join(", ", key.fieldNames()) + ")")
                                            .orElse(""));
                }
                continue;
            }
            Optional<String> sameIgnoringCase = declared.keySet().stream()
                    .filter(declaredName -> declaredName.equalsIgnoreCase(name))
                    .findFirst();
            problems.add(
                    node,
                    ":" + name + " is neither a declared parameter"
                            + (declared.isEmpty() ? "" : " (" + String.join(", ", declared.keySet()) + ")")
                            + " nor one the gateway sets (:key, :key_<field> and :change_version for bound actions,"
                            + " :user_id, :user_businessunit)"
                            + sameIgnoringCase
                                    .map(other -> "; parameter names are case-sensitive, did you mean :" + other + "?")
                                    .orElse(""));
        }
        return valid ? Optional.of(text) : Optional.empty();
    }

    // ---- small readers ----

    private Optional<String> name(YamlNode node) {
        String text = reader.requiredString(node);
        if (text.isBlank()) {
            return Optional.empty();
        }
        if (!NAME.matcher(text).matches()) {
            problems.add(node, NAME_RULE + ", was '" + text + "'");
            return Optional.empty();
        }
        return Optional.of(text);
    }

    /** Labels: a mapping of locale to text, or one text in the catalog's default language. */
    private Map<String, String> labels(YamlNode node) {
        if (node.isAbsent()) {
            return Map.of();
        }
        if (!node.isMapping()) {
            Optional<String> text = node.isSequence() ? Optional.empty() : reader.optionalString(node);
            if (text.isEmpty()) {
                problems.add(
                        node,
                        "must be a text or a mapping of locale to text, such as { en-US: Customers, de-DE: Debitoren }");
                return Map.of();
            }
            return Map.of(defaultLanguage, text.get());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String locale : node.keys()) {
            YamlNode label = node.get(locale);
            if (!LOCALE.matcher(locale).matches()) {
                problems.add(label, "'" + locale + "' is not a locale such as en-US");
            }
            reader.optionalString(label).ifPresent(text -> labels.put(locale, text));
        }
        return labels;
    }

    /** The elements of a list; problems for a non-list and for elements that are not mappings. */
    private List<YamlNode> sequence(YamlNode node) {
        if (node.isAbsent()) {
            return List.of();
        }
        if (!node.isSequence()) {
            problems.add(node, "must be a list");
            return List.of();
        }
        List<YamlNode> elements = new ArrayList<>();
        for (YamlNode element : node.elements()) {
            if (element.isMapping()) {
                elements.add(element);
            } else {
                problems.add(element, "must be a mapping");
            }
        }
        return elements;
    }

    private static SourceLocation location(YamlNode node) {
        return new SourceLocation(node.source(), node.line(), node.path());
    }

    /**
     * Detects duplicates, ignoring case: backends fold unquoted identifiers and Dataverse clients
     * treat logical names case-insensitively, so names differing only in case would collide.
     */
    private final class UniqueNames {
        private final String what;
        private final Map<String, YamlNode> seen = new HashMap<>();

        UniqueNames(String what) {
            this.what = what;
        }

        void check(YamlNode node, String name) {
            YamlNode first = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), node);
            if (first != null) {
                String firstName = first.text().orElse(name);
                problems.add(
                        node,
                        "duplicate " + what + " '" + name + "' (first declared at line " + first.line()
                                + (firstName.equals(name)
                                        ? ""
                                        : " as '" + firstName + "'; names are compared ignoring case")
                                + ")");
            }
        }
    }
}
