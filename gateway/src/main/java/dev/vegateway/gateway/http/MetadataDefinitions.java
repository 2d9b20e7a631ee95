package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.security.Privilege;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.OptionSet;
import dev.vegateway.catalog.RelationDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The read-only metadata sets of Dataverse, in its shape, for clients that build a form from them
 * (names, types, labels, option values): {@code EntityDefinitions}, {@code
 * EntityDefinitions(LogicalName='x')}, with {@code $expand=Attributes} or as {@code
 * EntityDefinitions(LogicalName='x')/Attributes[(LogicalName='y')]}, and {@code
 * GlobalOptionSetDefinitions}, {@code GlobalOptionSetDefinitions(Name='x')}. Labels are written in
 * every language the catalog has ({@code LocalizedLabels}) and in the request's
 * ({@code UserLocalizedLabel}, see {@link Languages}).
 *
 * <p>Only what the caller may read is described: entities the caller holds Read on (at any
 * depth), their fields minus those field security hides from every role granting Read, and the
 * option sets such fields use. A caller without a user (an application alone) reads empty sets.
 * Query options other than {@code $select} and {@code $expand=Attributes} are refused.
 */
final class MetadataDefinitions {
    static final String ENTITY_DEFINITIONS = "EntityDefinitions";
    static final String OPTION_SET_DEFINITIONS = "GlobalOptionSetDefinitions";

    private static final Pattern ENTITY_PATH = Pattern.compile(
            "/EntityDefinitions(?:\\(LogicalName='([^']*)'\\))?(/Attributes(?:\\(LogicalName='([^']*)'\\))?)?");
    private static final Pattern OPTION_SET_PATH =
            Pattern.compile("/GlobalOptionSetDefinitions(?:\\(Name='([^']*)'\\))?");
    private static final Pattern EXPAND_ATTRIBUTES = Pattern.compile("Attributes(?:\\(\\$select=([A-Za-z0-9_,]*)\\))?");
    private static final JsonFactory JSON = new JsonFactory();
    /** Windows language codes (LCIDs) of the locales Dataverse labels are usually in; others are written as 0. */
    private static final Map<String, Integer> LANGUAGE_CODES = Map.ofEntries(
            Map.entry("en-us", 1033),
            Map.entry("en-gb", 2057),
            Map.entry("de-de", 1031),
            Map.entry("de-at", 3079),
            Map.entry("de-ch", 2055),
            Map.entry("fr-fr", 1036),
            Map.entry("fr-ca", 3084),
            Map.entry("es-es", 3082),
            Map.entry("it-it", 1040),
            Map.entry("nl-nl", 1043),
            Map.entry("pt-br", 1046),
            Map.entry("pt-pt", 2070),
            Map.entry("da-dk", 1030),
            Map.entry("sv-se", 1053),
            Map.entry("nb-no", 1044),
            Map.entry("fi-fi", 1035),
            Map.entry("pl-pl", 1045),
            Map.entry("ja-jp", 1041),
            Map.entry("zh-cn", 2052));

    private static final Set<String> ENTITY_PROPERTIES = Set.of(
            "MetadataId",
            "LogicalName",
            "SchemaName",
            "EntitySetName",
            "PrimaryIdAttribute",
            "PrimaryNameAttribute",
            "TableType",
            "DisplayName",
            "DisplayCollectionName");
    private static final Set<String> ATTRIBUTE_PROPERTIES = Set.of(
            "MetadataId",
            "LogicalName",
            "SchemaName",
            "EntityLogicalName",
            "AttributeType",
            "AttributeTypeName",
            "DisplayName",
            "RequiredLevel",
            "IsPrimaryId",
            "IsValidForRead",
            "IsValidForCreate",
            "IsValidForUpdate",
            "MaxLength",
            "Precision",
            "Format",
            "Targets",
            "OptionSet");
    private static final Set<String> OPTION_SET_PROPERTIES =
            Set.of("MetadataId", "Name", "IsGlobal", "OptionSetType", "Options");

    private final Catalog catalog;

    MetadataDefinitions(Catalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** Whether {@code path} (below the service root) addresses one of these sets. */
    static boolean serves(String path) {
        return path.equals("/" + ENTITY_DEFINITIONS)
                || path.startsWith("/" + ENTITY_DEFINITIONS + "(")
                || path.startsWith("/" + ENTITY_DEFINITIONS + "/")
                || path.equals("/" + OPTION_SET_DEFINITIONS)
                || path.startsWith("/" + OPTION_SET_DEFINITIONS + "(");
    }

    void get(Exchange exchange) throws IOException {
        String path = URLDecoder.decode(exchange.path().replace("+", "%2B"), StandardCharsets.UTF_8);
        Options options = Options.parse(exchange.request.getHttpURI().getQuery());
        Caller caller = exchange.caller();
        Languages languages = exchange.languages();
        String root = exchange.serviceRoot();
        exchange.log.operation = "RetrieveMetadata";
        Matcher entityPath = ENTITY_PATH.matcher(path);
        Matcher optionSetPath = OPTION_SET_PATH.matcher(path);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(body)) {
            if (entityPath.matches()) {
                exchange.log.entitySet = ENTITY_DEFINITIONS;
                entities(json, caller, languages, root, options, entityPath);
            } else if (optionSetPath.matches()) {
                exchange.log.entitySet = OPTION_SET_DEFINITIONS;
                if (options.expand().isPresent()) {
                    throw unsupported("$expand");
                }
                checkSelect(options.select(), OPTION_SET_PROPERTIES);
                optionSets(json, caller, languages, root, options, Optional.ofNullable(optionSetPath.group(1)));
            } else {
                throw GatewayException.of(
                        ErrorCode.RESOURCE_NOT_FOUND, "No metadata resource at '%s'.", ODataPaths.shorten(path));
            }
        }
        exchange.send(200, "application/json; odata.metadata=minimal; charset=utf-8", body.toByteArray());
    }

    // ---- EntityDefinitions ----

    private void entities(
            JsonGenerator json, Caller caller, Languages languages, String root, Options options, Matcher path)
            throws IOException {
        Optional<String> logicalName = Optional.ofNullable(path.group(1));
        boolean attributesPath = path.group(2) != null;
        Optional<String> attributeName = Optional.ofNullable(path.group(3));
        checkSelect(options.select(), attributesPath ? ATTRIBUTE_PROPERTIES : ENTITY_PROPERTIES);
        if (options.expand().isPresent()) {
            checkSelect(options.expand().get(), ATTRIBUTE_PROPERTIES);
        }
        if (attributesPath && logicalName.isEmpty()) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX,
                    "Address the attributes of one entity: EntityDefinitions(LogicalName='x')/Attributes.");
        }
        if (logicalName.isEmpty()) {
            json.writeStartObject();
            json.writeStringField("@odata.context", root + "$metadata#" + ENTITY_DEFINITIONS);
            json.writeArrayFieldStart("value");
            for (EntityDefinition entity : readable(caller)) {
                entity(json, entity, caller, languages, options);
            }
            json.writeEndArray();
            json.writeEndObject();
            return;
        }
        EntityDefinition entity = readable(caller).stream()
                .filter(candidate -> candidate.logicalName().equals(logicalName.get()))
                .findFirst()
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.RECORD_NOT_FOUND,
                        "Could not find an entity with LogicalName = '%s'.",
                        ODataPaths.shorten(logicalName.get())));
        if (!attributesPath) {
            json.writeStartObject();
            json.writeStringField("@odata.context", root + "$metadata#" + ENTITY_DEFINITIONS + "/$entity");
            entityBody(json, entity, caller, languages, options);
            json.writeEndObject();
            return;
        }
        if (options.expand().isPresent()) {
            throw unsupported("$expand");
        }
        List<FieldDefinition> fields = readableFields(entity, caller);
        String context = root + "$metadata#" + ENTITY_DEFINITIONS + "('" + entity.logicalName() + "')/Attributes";
        if (attributeName.isPresent()) {
            FieldDefinition field = fields.stream()
                    .filter(candidate -> candidate.logicalName().equals(attributeName.get()))
                    .findFirst()
                    .orElseThrow(() -> GatewayException.of(
                            ErrorCode.RECORD_NOT_FOUND,
                            "Could not find an attribute with LogicalName = '%s' on %s.",
                            ODataPaths.shorten(attributeName.get()),
                            entity.logicalName()));
            json.writeStartObject();
            json.writeStringField("@odata.context", context + "/$entity");
            attributeBody(json, entity, field, languages, options.select());
            json.writeEndObject();
            return;
        }
        json.writeStartObject();
        json.writeStringField("@odata.context", context);
        json.writeArrayFieldStart("value");
        for (FieldDefinition field : fields) {
            json.writeStartObject();
            attributeBody(json, entity, field, languages, options.select());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private void entity(
            JsonGenerator json, EntityDefinition entity, Caller caller, Languages languages, Options options)
            throws IOException {
        json.writeStartObject();
        entityBody(json, entity, caller, languages, options);
        json.writeEndObject();
    }

    private void entityBody(
            JsonGenerator json, EntityDefinition entity, Caller caller, Languages languages, Options options)
            throws IOException {
        Selection select = Selection.of(options.select());
        json.writeStringField(
                "MetadataId", metadataId("entity", entity.logicalName()).toString());
        if (select.has("LogicalName")) {
            json.writeStringField("LogicalName", entity.logicalName());
        }
        if (select.has("SchemaName")) {
            json.writeStringField("SchemaName", entity.logicalName());
        }
        if (select.has("EntitySetName")) {
            json.writeStringField("EntitySetName", entity.entitySetName());
        }
        if (select.has("PrimaryIdAttribute")) {
            json.writeStringField("PrimaryIdAttribute", entity.keyField());
        }
        if (select.has("PrimaryNameAttribute")) {
            json.writeFieldName("PrimaryNameAttribute"); // null when the catalog names none
            if (entity.primaryName().isPresent()) {
                json.writeString(entity.primaryName().get());
            } else {
                json.writeNull();
            }
        }
        if (select.has("TableType")) {
            json.writeStringField("TableType", "Virtual");
        }
        if (select.has("DisplayName")) {
            json.writeFieldName("DisplayName");
            label(json, entity.labels(), languages, "entity:" + entity.logicalName());
        }
        if (select.has("DisplayCollectionName")) {
            json.writeFieldName("DisplayCollectionName");
            label(json, entity.labels(), languages, "entities:" + entity.logicalName());
        }
        if (options.expand().isPresent()) {
            Optional<String> attributeSelect = options.expand().get();
            json.writeArrayFieldStart("Attributes");
            for (FieldDefinition field : readableFields(entity, caller)) {
                json.writeStartObject();
                attributeBody(json, entity, field, languages, attributeSelect);
                json.writeEndObject();
            }
            json.writeEndArray();
        }
    }

    private void attributeBody(
            JsonGenerator json,
            EntityDefinition entity,
            FieldDefinition field,
            Languages languages,
            Optional<String> selectList)
            throws IOException {
        Selection select = Selection.of(selectList);
        FieldType type = field.type();
        Optional<RelationDefinition> relation = entity.relations().stream()
                .filter(candidate -> candidate.field().equals(field.logicalName()))
                .findFirst();
        String attributeType = relation.isPresent() ? "Lookup" : attributeType(type);
        // a multi-select option set is AttributeType Virtual, of type name MultiSelectPicklistType, in Dataverse
        boolean multiSelect = type.kind() == FieldType.Kind.MULTI_ENUM;
        json.writeStringField(
                "@odata.type",
                "#Microsoft.Dynamics.CRM."
                        + (multiSelect ? "MultiSelectPicklistAttributeMetadata" : metadataType(attributeType)));
        json.writeStringField(
                "MetadataId",
                metadataId("attribute", entity.logicalName() + "." + field.logicalName())
                        .toString());
        if (select.has("LogicalName")) {
            json.writeStringField("LogicalName", field.logicalName());
        }
        if (select.has("SchemaName")) {
            json.writeStringField("SchemaName", field.logicalName());
        }
        if (select.has("EntityLogicalName")) {
            json.writeStringField("EntityLogicalName", entity.logicalName());
        }
        if (select.has("AttributeType")) {
            json.writeStringField("AttributeType", attributeType);
        }
        if (select.has("AttributeTypeName")) {
            json.writeObjectFieldStart("AttributeTypeName");
            json.writeStringField("Value", multiSelect ? "MultiSelectPicklistType" : attributeType + "Type");
            json.writeEndObject();
        }
        if (select.has("DisplayName")) {
            json.writeFieldName("DisplayName");
            label(json, field.labels(), languages, "attribute:" + entity.logicalName() + "." + field.logicalName());
        }
        if (select.has("RequiredLevel")) {
            json.writeObjectFieldStart("RequiredLevel");
            json.writeStringField("Value", field.required() ? "ApplicationRequired" : "None");
            json.writeEndObject();
        }
        if (select.has("IsPrimaryId")) {
            json.writeBooleanField("IsPrimaryId", field.logicalName().equals(entity.keyField()));
        }
        if (select.has("IsValidForRead")) {
            json.writeBooleanField("IsValidForRead", true);
        }
        if (select.has("IsValidForCreate")) {
            json.writeBooleanField("IsValidForCreate", !field.readOnly());
        }
        if (select.has("IsValidForUpdate")) {
            json.writeBooleanField(
                    "IsValidForUpdate",
                    !field.readOnly() && !field.logicalName().equals(entity.keyField()));
        }
        if (type.maxLength().isPresent() && select.has("MaxLength")) {
            json.writeNumberField("MaxLength", type.maxLength().getAsInt());
        }
        if (type.kind() == FieldType.Kind.DECIMAL && select.has("Precision")) {
            json.writeNumberField("Precision", type.scale().orElse(0));
        }
        if (type.kind() == FieldType.Kind.DATE && select.has("Format")) {
            json.writeStringField("Format", "DateOnly");
        }
        if (relation.isPresent() && select.has("Targets")) {
            json.writeArrayFieldStart("Targets");
            json.writeString(relation.get().targetEntity());
            json.writeEndArray();
        }
        Optional<OptionSet> optionSet = type.optionSet().flatMap(catalog::optionSet);
        if (select.has("OptionSet") && (type.kind() == FieldType.Kind.BOOLEAN || optionSet.isPresent())) {
            json.writeFieldName("OptionSet");
            if (type.kind() == FieldType.Kind.BOOLEAN) {
                booleanOptionSet(json, field, optionSet, languages);
            } else {
                optionSetBody(json, optionSet.get(), languages);
            }
        }
    }

    private static String attributeType(FieldType type) {
        return switch (type.kind()) {
            case STRING -> "String";
            case INT32 -> "Integer";
            case INT64 -> "BigInt";
            case DECIMAL -> "Decimal";
            case DOUBLE -> "Double";
            case BOOLEAN -> "Boolean";
            case DATE, DATE_TIME_OFFSET -> "DateTime";
            case GUID -> "Uniqueidentifier";
            case ENUM -> "Picklist";
            case MULTI_ENUM -> "Virtual";
        };
    }

    private static String metadataType(String attributeType) {
        return switch (attributeType) {
            case "Uniqueidentifier" -> "UniqueIdentifierAttributeMetadata";
            case "BigInt" -> "BigIntAttributeMetadata";
            case "DateTime" -> "DateTimeAttributeMetadata";
            default -> attributeType + "AttributeMetadata";
        };
    }

    // ---- GlobalOptionSetDefinitions ----

    private void optionSets(
            JsonGenerator json, Caller caller, Languages languages, String root, Options options, Optional<String> name)
            throws IOException {
        Set<String> readable = new LinkedHashSet<>();
        for (EntityDefinition entity : readable(caller)) {
            for (FieldDefinition field : readableFields(entity, caller)) {
                field.type().optionSet().ifPresent(readable::add);
            }
        }
        List<OptionSet> sets = new ArrayList<>();
        for (String setName : readable) {
            catalog.optionSet(setName).ifPresent(sets::add);
        }
        if (name.isPresent()) {
            OptionSet set = sets.stream()
                    .filter(candidate -> candidate.name().equals(name.get()))
                    .findFirst()
                    .orElseThrow(() -> GatewayException.of(
                            ErrorCode.RECORD_NOT_FOUND,
                            "Could not find an option set with Name = '%s'.",
                            ODataPaths.shorten(name.get())));
            json.writeStartObject();
            json.writeStringField("@odata.context", root + "$metadata#" + OPTION_SET_DEFINITIONS + "/$entity");
            optionSetFields(json, set, languages, Selection.of(options.select()));
            json.writeEndObject();
            return;
        }
        json.writeStartObject();
        json.writeStringField("@odata.context", root + "$metadata#" + OPTION_SET_DEFINITIONS);
        json.writeArrayFieldStart("value");
        for (OptionSet set : sets) {
            json.writeStartObject();
            optionSetFields(json, set, languages, Selection.of(options.select()));
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private void optionSetBody(JsonGenerator json, OptionSet set, Languages languages) throws IOException {
        json.writeStartObject();
        optionSetFields(json, set, languages, Selection.of(Optional.empty()));
        json.writeEndObject();
    }

    private void optionSetFields(JsonGenerator json, OptionSet set, Languages languages, Selection select)
            throws IOException {
        json.writeStringField("@odata.type", "#Microsoft.Dynamics.CRM.OptionSetMetadata");
        json.writeStringField("MetadataId", metadataId("optionset", set.name()).toString());
        if (select.has("Name")) {
            json.writeStringField("Name", set.name());
        }
        if (select.has("IsGlobal")) {
            json.writeBooleanField("IsGlobal", true);
        }
        if (select.has("OptionSetType")) {
            json.writeStringField("OptionSetType", "Picklist");
        }
        if (select.has("Options")) {
            json.writeArrayFieldStart("Options");
            for (OptionSet.Member member : set.members()) {
                option(json, set, member, languages);
            }
            json.writeEndArray();
        }
    }

    private void booleanOptionSet(
            JsonGenerator json, FieldDefinition field, Optional<OptionSet> set, Languages languages)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("@odata.type", "#Microsoft.Dynamics.CRM.BooleanOptionSetMetadata");
        json.writeStringField("Name", set.map(OptionSet::name).orElse(field.logicalName()));
        json.writeStringField("OptionSetType", "Boolean");
        for (boolean flag : List.of(true, false)) {
            json.writeFieldName(flag ? "TrueOption" : "FalseOption");
            Optional<OptionSet.Member> member = set.flatMap(options -> options.byValue(flag ? 1 : 0));
            if (member.isPresent()) {
                option(json, set.get(), member.get(), languages);
            } else {
                json.writeStartObject();
                json.writeNumberField("Value", flag ? 1 : 0);
                json.writeFieldName("Label");
                label(
                        json,
                        flag ? Map.of("en-US", "Yes", "de-DE", "Ja") : Map.of("en-US", "No", "de-DE", "Nein"),
                        languages,
                        "boolean:" + flag);
                json.writeEndObject();
            }
        }
        json.writeEndObject();
    }

    private void option(JsonGenerator json, OptionSet set, OptionSet.Member member, Languages languages)
            throws IOException {
        json.writeStartObject();
        json.writeNumberField("Value", member.value());
        json.writeFieldName("Label");
        Map<String, String> labels =
                member.labels().isEmpty() ? Map.of(catalog.defaultLanguage(), member.name()) : member.labels();
        label(json, labels, languages, "option:" + set.name() + "." + member.name());
        json.writeEndObject();
    }

    /** A Dataverse {@code Label}: every localized label, and the one for the request as {@code UserLocalizedLabel}. */
    private void label(JsonGenerator json, Map<String, String> labels, Languages languages, String identity)
            throws IOException {
        json.writeStartObject();
        json.writeArrayFieldStart("LocalizedLabels");
        for (Map.Entry<String, String> entry : new java.util.TreeMap<>(labels).entrySet()) {
            localizedLabel(json, entry.getKey(), entry.getValue(), identity);
        }
        json.writeEndArray();
        json.writeFieldName("UserLocalizedLabel");
        Optional<String> tag = languages.pickTag(labels, catalog.defaultLanguage());
        if (tag.isPresent()) {
            localizedLabel(json, tag.get(), labels.get(tag.get()), identity);
        } else {
            json.writeNull();
        }
        json.writeEndObject();
    }

    private static void localizedLabel(JsonGenerator json, String tag, String text, String identity)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("Label", text);
        json.writeNumberField("LanguageCode", LANGUAGE_CODES.getOrDefault(tag.toLowerCase(Locale.ROOT), 0));
        json.writeStringField("Language", tag);
        json.writeBooleanField("IsManaged", true);
        json.writeStringField(
                "MetadataId", metadataId("label", identity + ":" + tag).toString());
        json.writeEndObject();
    }

    // ---- what the caller may read ----

    /** The served catalog entities the caller holds Read on; none for an application without a user. */
    private List<EntityDefinition> readable(Caller caller) {
        if (!(caller instanceof Caller.User user)) {
            return List.of();
        }
        return catalog.entities().stream()
                .filter(entity -> entity.origin() == EntityDefinition.Origin.CATALOG && entity.visible())
                .filter(entity -> user.permissions()
                        .depth(entity.logicalName(), Privilege.READ)
                        .grantsAccess())
                .toList();
    }

    /** The fields of a readable entity that field security leaves the caller. */
    private static List<FieldDefinition> readableFields(EntityDefinition entity, Caller caller) {
        if (!(caller instanceof Caller.User user)) {
            return List.of();
        }
        Set<String> hidden = user.permissions().unreadableFields(entity.logicalName());
        return entity.fields().stream()
                .filter(field -> !hidden.contains(field.logicalName()))
                .toList();
    }

    /** Refuses a {@code $select} that names a property the resource does not have. */
    private static void checkSelect(Optional<String> select, Set<String> known) {
        if (select.isEmpty()) {
            return;
        }
        for (String name : select.get().split(",")) {
            if (!known.contains(name)) {
                throw GatewayException.of(
                        ErrorCode.UNKNOWN_PROPERTY,
                        "Could not find a property named '%s' (%s).",
                        ODataPaths.shorten(name),
                        String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
    }

    private static UUID metadataId(String kind, String name) {
        return UUID.nameUUIDFromBytes((kind + ":" + name).getBytes(StandardCharsets.UTF_8));
    }

    private static GatewayException unsupported(String option) {
        return GatewayException.of(
                ErrorCode.UNSUPPORTED_QUERY,
                "The query option %s is not supported on this metadata resource; metadata sets take $select, and"
                        + " EntityDefinitions also $expand=Attributes.",
                option);
    }

    /** The properties a {@code $select} keeps (every property without one). */
    private record Selection(Optional<Set<String>> names) {
        static Selection of(Optional<String> select) {
            return new Selection(select.map(list -> Set.copyOf(java.util.Arrays.asList(list.split(",")))));
        }

        boolean has(String property) {
            return names.isEmpty() || names.get().contains(property);
        }
    }

    /**
     * The query options: {@code $select} (a comma-separated property list) and {@code $expand}
     * ({@code Attributes}, optionally with its own {@code $select}); any other option is refused.
     *
     * @param expand present when {@code $expand=Attributes}; its value the nested {@code $select}, if any
     */
    record Options(Optional<String> select, Optional<Optional<String>> expand) {
        static Options parse(String rawQuery) {
            Optional<String> select = Optional.empty();
            Optional<Optional<String>> expand = Optional.empty();
            if (rawQuery == null || rawQuery.isEmpty()) {
                return new Options(select, expand);
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            for (String parameter : rawQuery.split("&")) {
                if (parameter.isEmpty()) {
                    continue;
                }
                int equals = parameter.indexOf('=');
                String name = URLDecoder.decode(
                        equals < 0 ? parameter : parameter.substring(0, equals), StandardCharsets.UTF_8);
                String value =
                        equals < 0 ? "" : URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8);
                parameters.put(name.strip(), value.strip());
            }
            for (Map.Entry<String, String> parameter : parameters.entrySet()) {
                switch (parameter.getKey()) {
                    case "$select" -> {
                        if (!parameter.getValue().matches("[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*")) {
                            throw GatewayException.of(
                                    ErrorCode.QUERY_SYNTAX,
                                    "$select takes a comma-separated list of property names, not '%s'.",
                                    ODataPaths.shorten(parameter.getValue()));
                        }
                        select = Optional.of(parameter.getValue());
                    }
                    case "$expand" -> {
                        Matcher attributes =
                                EXPAND_ATTRIBUTES.matcher(parameter.getValue().replace(" ", ""));
                        if (!attributes.matches()) {
                            throw GatewayException.of(
                                    ErrorCode.UNSUPPORTED_QUERY,
                                    "Metadata sets expand Attributes only (with an optional $select), not '%s'.",
                                    ODataPaths.shorten(parameter.getValue()));
                        }
                        expand = Optional.of(
                                Optional.ofNullable(attributes.group(1)).filter(list -> !list.isEmpty()));
                    }
                    default -> throw unsupported(ODataPaths.shorten(parameter.getKey()));
                }
            }
            return new Options(select, expand);
        }
    }

    /** Printable, short: a client's text in a message. */
    private static final class ODataPaths {
        static String shorten(String text) {
            String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
            return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
        }
    }
}
