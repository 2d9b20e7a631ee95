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

/**
 * Reads and validates a catalog YAML file (option sets and entities). Every problem is reported
 * at once with its file, line and key path; the loaded {@link Catalog} remembers where each
 * entity and field was declared.
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
    private static final String ALLOWED_TYPES =
            "String, String(n), Int32, Int64, Decimal(p,s), Double, Boolean, Date, DateTimeOffset, Guid, Enum(optionSetName)";
    private static final String NAME_RULE =
            "must match [A-Za-z_][A-Za-z0-9_]{0,127} (letters, digits and '_', not starting with a digit, at most 128 characters)";

    private final Problems problems = new Problems();
    private final YamlReader reader = new YamlReader(problems);
    private final Map<Element, SourceLocation> locations = new LinkedHashMap<>();

    private CatalogLoader() {
    }

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
        reader.allowOnly(root, "optionSets", "entities");
        List<OptionSet> optionSets = optionSets(root.get("optionSets"));
        Set<String> optionSetNames = new LinkedHashSet<>();
        optionSets.forEach(set -> optionSetNames.add(set.name()));

        YamlNode entitiesNode = root.get("entities");
        List<YamlNode> entityNodes = sequence(entitiesNode);
        if (entityNodes.isEmpty() && (entitiesNode.isAbsent() || entitiesNode.isSequence())) {
            problems.add(entitiesNode, "at least one entity is required");
        }
        UniqueNames logicalNames = new UniqueNames("entity logical name");
        UniqueNames entitySetNames = new UniqueNames("entity set name");
        List<EntityDefinition> entities = new ArrayList<>();
        for (YamlNode entityNode : entityNodes) {
            entity(entityNode, optionSetNames, logicalNames, entitySetNames).ifPresent(entities::add);
        }
        problems.throwIfAny();
        return new Catalog(entities, optionSets, locations);
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

    private List<OptionSet.Member> members(YamlNode node) {
        List<YamlNode> memberNodes = sequence(node);
        if (memberNodes.isEmpty() && (node.isAbsent() || node.isSequence())) {
            problems.add(node, "at least one member is required");
        }
        UniqueNames names = new UniqueNames("member name");
        Map<Integer, YamlNode> values = new HashMap<>();
        List<OptionSet.Member> members = new ArrayList<>();
        for (YamlNode memberNode : memberNodes) {
            reader.allowOnly(memberNode, "name", "value", "labels");
            YamlNode nameNode = memberNode.get("name");
            Optional<String> name = name(nameNode);
            name.ifPresent(value -> names.check(nameNode, value));
            Map<String, String> labels = labels(memberNode.get("labels"));
            YamlNode valueNode = memberNode.get("value");
            if (valueNode.isAbsent()) {
                problems.add(valueNode, "is required");
                continue;
            }
            int value = reader.integer(valueNode, Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE);
            YamlNode first = values.putIfAbsent(value, valueNode);
            if (first != null) {
                problems.add(valueNode, "duplicate member value " + value + " (first used at line " + first.line() + ")");
            }
            name.ifPresent(memberName -> members.add(new OptionSet.Member(memberName, value, labels)));
        }
        return members;
    }

    // ---- entities ----

    private Optional<EntityDefinition> entity(YamlNode node, Set<String> optionSetNames, UniqueNames logicalNames, UniqueNames entitySetNames) {
        reader.allowOnly(node, "logicalName", "entitySetName", "table", "labels", "visible", "key",
                "companyField", "ownerField", "businessUnitField", "rowVersionField", "fields");
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
        });
        Optional<TableName> table = table(node.get("table"));
        Map<String, String> labels = labels(node.get("labels"));
        boolean visible = reader.bool(node.get("visible"), true);

        YamlNode keyNode = node.get("key");
        Optional<String> expectedKey = logicalName.map(name -> name + "id");
        Optional<String> key = keyNode.isAbsent() ? expectedKey : name(keyNode);
        if (!keyNode.isAbsent() && key.isPresent() && expectedKey.isPresent() && !key.equals(expectedKey)) {
            problems.add(keyNode, "must be '" + expectedKey.get() + "': Dataverse names the primary key <logicalName>id");
        }

        Fields fields = fields(node.get("fields"), key, optionSetNames);
        logicalName.ifPresent(entityName -> {
            locations.put(Element.entity(entityName), location(node));
            fields.nodes.forEach((fieldName, fieldNode) -> locations.put(Element.field(entityName, fieldName), location(fieldNode)));
        });
        if (key.isPresent() && fields.allNamesValid) {
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
        Optional<String> companyField = roleField(node.get("companyField"), fields, "a String", type -> type.kind() == FieldType.Kind.STRING);
        Optional<String> ownerField = roleField(node.get("ownerField"), fields, "a Guid", type -> type.kind() == FieldType.Kind.GUID);
        Optional<String> businessUnitField = roleField(node.get("businessUnitField"), fields, "a Guid", type -> type.kind() == FieldType.Kind.GUID);
        Optional<String> rowVersionField = roleField(node.get("rowVersionField"), fields, "an Int64 or Int32",
                type -> type.kind() == FieldType.Kind.INT64 || type.kind() == FieldType.Kind.INT32);

        if (logicalName.isEmpty() || entitySetName.isEmpty() || table.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EntityDefinition(logicalName.get(), entitySetName.get(), table.get(), labels, visible, fields.definitions,
                key.get(), companyField, ownerField, businessUnitField, rowVersionField));
    }

    /** The fields of one entity as read: definitions of the valid ones, and node and type by name for the cross-checks. */
    private static final class Fields {
        final List<FieldDefinition> definitions = new ArrayList<>();
        final Map<String, YamlNode> nodes = new LinkedHashMap<>();
        final Map<String, FieldType> types = new HashMap<>();
        boolean allNamesValid = true;
    }

    private Fields fields(YamlNode node, Optional<String> key, Set<String> optionSetNames) {
        Fields fields = new Fields();
        List<YamlNode> fieldNodes = sequence(node);
        if (fieldNodes.isEmpty() && (node.isAbsent() || node.isSequence())) {
            problems.add(node, "at least one field (the key) is required");
        }
        UniqueNames names = new UniqueNames("field name");
        UniqueNames columns = new UniqueNames("column");
        for (YamlNode fieldNode : fieldNodes) {
            reader.allowOnly(fieldNode, "name", "column", "type", "required", "readOnly", "labels");
            YamlNode nameNode = fieldNode.get("name");
            Optional<String> name = name(nameNode);
            name.ifPresentOrElse(value -> names.check(nameNode, value), () -> fields.allNamesValid = false);
            YamlNode columnNode = fieldNode.get("column");
            Optional<String> column = name(columnNode);
            column.ifPresent(value -> columns.check(columnNode, value));
            Optional<FieldType> type = type(fieldNode.get("type"), optionSetNames);
            boolean required = reader.bool(fieldNode.get("required"), false);
            boolean readOnly = reader.bool(fieldNode.get("readOnly"), false);
            Map<String, String> labels = labels(fieldNode.get("labels"));
            if (name.isEmpty()) {
                continue;
            }
            fields.nodes.putIfAbsent(name.get(), fieldNode);
            type.ifPresent(value -> fields.types.putIfAbsent(name.get(), value));
            if (column.isPresent() && type.isPresent()) {
                // The key is implicitly required and read-only: Dataverse clients never change a record's id.
                boolean isKey = key.isPresent() && key.get().equals(name.get());
                fields.definitions.add(new FieldDefinition(name.get(), column.get(), type.get(), required || isKey, readOnly || isKey, labels));
            }
        }
        return fields;
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
                problems.add(node, "String length must be between 1 and " + MAXIMUM_STRING_LENGTH + ", was " + length
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
                problems.add(node, "Decimal(p,s) needs 1 <= p <= " + MAXIMUM_DECIMAL_PRECISION + " and 0 <= s <= p, was " + text);
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
        problems.add(node, "unknown type '" + text + "' (allowed: " + ALLOWED_TYPES + ")");
        return Optional.empty();
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

    private Map<String, String> labels(YamlNode node) {
        if (node.isAbsent()) {
            return Map.of();
        }
        if (!node.isMapping()) {
            problems.add(node, "must be a mapping of locale to text, such as { en-US: Customers }");
            return Map.of();
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
                problems.add(node, "duplicate " + what + " '" + name + "' (first declared at line " + first.line()
                        + (firstName.equals(name) ? "" : " as '" + firstName + "'; names are compared ignoring case") + ")");
            }
        }
    }
}
