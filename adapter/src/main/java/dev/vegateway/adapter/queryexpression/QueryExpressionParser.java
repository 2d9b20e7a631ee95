package dev.vegateway.adapter.queryexpression;

import static dev.vegateway.adapter.queryexpression.JsonFields.child;
import static dev.vegateway.adapter.queryexpression.JsonFields.describe;
import static dev.vegateway.adapter.queryexpression.JsonFields.element;
import static dev.vegateway.adapter.queryexpression.JsonFields.enumMember;
import static dev.vegateway.adapter.queryexpression.JsonFields.logicalName;
import static dev.vegateway.adapter.queryexpression.JsonFields.malformed;
import static dev.vegateway.adapter.queryexpression.JsonFields.object;
import static dev.vegateway.adapter.queryexpression.JsonFields.optionalArray;
import static dev.vegateway.adapter.queryexpression.JsonFields.optionalBoolean;
import static dev.vegateway.adapter.queryexpression.JsonFields.optionalInteger;
import static dev.vegateway.adapter.queryexpression.JsonFields.optionalString;
import static dev.vegateway.adapter.queryexpression.JsonFields.present;
import static dev.vegateway.adapter.queryexpression.JsonFields.quote;
import static dev.vegateway.adapter.queryexpression.JsonFields.rejectUnknownProperties;
import static dev.vegateway.adapter.queryexpression.JsonFields.syntax;
import static dev.vegateway.adapter.queryexpression.JsonFields.unsupported;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.fetchxml.FetchXmlParser;
import dev.vegateway.adapter.operators.ConditionBuilder;
import dev.vegateway.adapter.operators.ConditionOperator;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Parses the Dataverse Web API QueryExpression JSON (the {@code "Query"} of a
 * {@code POST /api/data/v9.2/RetrieveMultiple} body, SPEC 6) into the neutral {@link Query}.
 *
 * <p>The parser is strict, so that a query either means what Dataverse would make of it or is
 * refused: every error is a {@link GatewayException} whose message names the JSON path of the
 * offending part ({@code Criteria.Filters[0].Conditions[2].Operator}). Unknown properties are
 * refused (a typo such as {@code "Filter"} would otherwise silently drop a filter), except the
 * SDK's harmless ones ({@code NoLock}, {@code QueryHints}, {@code SubQueryExpression},
 * {@code ExtensionData}, a null {@code DataSource}). Enum members are written as their names
 * (case-sensitive, as the SDK) or their integer values. Attribute names are passed on as written
 * for the planner to resolve against the catalog, but names that could never be logical names
 * are refused here.
 *
 * <p>Choices where the Web API differs from the SDK's defaults:
 * <ul>
 *   <li>A missing {@code ColumnSet}, or one with {@code AllColumns: false} and no columns, asks
 *       for all columns: the SDK's default is no columns (only the key), but Web API clients
 *       expect data, and field security still applies in the planner.</li>
 *   <li>{@code PageInfo.Count} 0 or absent means no paging, as in the SDK's default
 *       {@code PagingInfo}; {@code PageNumber} 0 or absent is the first page.</li>
 *   <li>An empty FilterExpression adds no condition, wherever it is nested (as Dataverse):
 *       an empty {@code Or} inside an {@code And} does not make the query match everything.</li>
 * </ul>
 */
public final class QueryExpressionParser {
    private static final String QUERY_EXPRESSION_TYPE = "Microsoft.Dynamics.CRM.QueryExpression";
    private static final Set<String> BODY_PROPERTIES = Set.of("Query");
    private static final Set<String> QUERY_PROPERTIES = Set.of(
            "@odata.type",
            "EntityName",
            "ColumnSet",
            "Criteria",
            "LinkEntities",
            "Orders",
            "PageInfo",
            "TopCount",
            "Distinct",
            "NoLock",
            "QueryHints",
            "SubQueryExpression",
            "DataSource",
            "ExtensionData");
    private static final Set<String> COLUMN_SET_PROPERTIES =
            Set.of("AllColumns", "Columns", "AttributeExpressions", "ExtensionData");
    private static final Set<String> FILTER_PROPERTIES =
            Set.of("FilterOperator", "Conditions", "Filters", "IsQuickFindFilter", "FilterHint", "ExtensionData");
    private static final Set<String> CONDITION_PROPERTIES =
            Set.of("AttributeName", "Operator", "Values", "EntityName", "CompareColumns", "ExtensionData");
    private static final Set<String> ORDER_PROPERTIES =
            Set.of("AttributeName", "OrderType", "Alias", "EntityName", "ExtensionData");
    private static final Set<String> PAGE_INFO_PROPERTIES =
            Set.of("Count", "PageNumber", "PagingCookie", "ReturnTotalRecordCount", "ExtensionData");
    private static final List<String> FILTER_OPERATORS = List.of("And", "Or");
    private static final List<String> ORDER_TYPES = List.of("Ascending", "Descending");
    private static final Set<String> LINK_PROPERTIES = Set.of(
            "LinkFromEntityName",
            "LinkFromAttributeName",
            "LinkToEntityName",
            "LinkToAttributeName",
            "JoinOperator",
            "EntityAlias",
            "Columns",
            "LinkCriteria",
            "Orders",
            "LinkEntities",
            "ExtensionData");
    /** Dataverse's JoinOperator members, by value. */
    private static final List<String> JOIN_OPERATORS = List.of(
            "Inner",
            "LeftOuter",
            "Natural",
            "MatchFirstRowUsingCrossApply",
            "In",
            "Exists",
            "Any",
            "NotAny",
            "All",
            "NotAll");
    /** Deeper than a JSON body can nest (Jackson allows 1000 levels); only guards hand-built trees against stack overflow. */
    private static final int MAX_FILTER_DEPTH = 500;

    private static final int MAX_PARSE_ERROR_LENGTH = 200;

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .errorReportConfiguration(ErrorReportConfiguration.builder()
                            .maxErrorTokenLength(32)
                            .maxRawContentLength(0)
                            .build())
                    .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private QueryExpressionParser() {}

    /**
     * Parses a {@code RetrieveMultiple} body, {@code {"Query": {…}}}. Error paths start with
     * {@code Query.}; a body that is not JSON, or has no {@code Query} object, is
     * {@link dev.vegateway.adapter.error.ErrorCode#MALFORMED_PAYLOAD}. Duplicate property names
     * are refused rather than resolved silently.
     */
    public static Query parseRequestBody(byte[] body) {
        if (body == null || body.length == 0) {
            throw malformed("", "The request body is empty; expected {\"Query\": {…}}");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed("", "The request body is not valid JSON: %s", parseError(e));
        } catch (IOException e) {
            throw malformed("", "The request body could not be read as JSON");
        }
        if (root == null || root.isMissingNode()) {
            throw malformed("", "The request body is empty; expected {\"Query\": {…}}");
        }
        if (!root.isObject()) {
            throw malformed("", "Expected a JSON object {\"Query\": {…}}, found %s", describe(root));
        }
        for (Map.Entry<String, JsonNode> property : root.properties()) {
            if (!BODY_PROPERTIES.contains(property.getKey())) {
                throw malformed(
                        property.getKey(), "Unknown property %s; the body has only Query", quote(property.getKey()));
            }
        }
        JsonNode query = root.get("Query");
        if (query == null || query.isNull()) {
            throw malformed("Query", "The required property Query is missing");
        }
        if (!query.isObject()) {
            throw malformed("Query", "Expected a QueryExpression JSON object, found %s", describe(query));
        }
        JsonNode type = query.get("@odata.type");
        if (type != null) {
            String typeName = type.isTextual() ? type.textValue().replaceFirst("^#", "") : "";
            if (typeName.equals("Microsoft.Dynamics.CRM.FetchExpression")) {
                return fetchExpression((ObjectNode) query);
            }
            if (!typeName.equals("Microsoft.Dynamics.CRM.QueryExpression")) {
                throw malformed(
                        "Query.@odata.type",
                        "Expected Microsoft.Dynamics.CRM.QueryExpression or Microsoft.Dynamics.CRM.FetchExpression, found %s",
                        describe(type));
            }
            ((ObjectNode) query).remove("@odata.type");
        }
        return parse(query, "Query");
    }

    /** {@code {"@odata.type": "Microsoft.Dynamics.CRM.FetchExpression", "Query": "<fetch …>"}}: the FetchXML it holds. */
    private static Query fetchExpression(ObjectNode expression) {
        for (Map.Entry<String, JsonNode> property : expression.properties()) {
            if (!property.getKey().equals("@odata.type") && !property.getKey().equals("Query")) {
                throw malformed(
                        child("Query", property.getKey()),
                        "Unknown property %s; a FetchExpression has only Query",
                        quote(property.getKey()));
            }
        }
        JsonNode text = expression.get("Query");
        if (text == null || !text.isTextual()) {
            throw malformed("Query.Query", "A FetchExpression needs its FetchXML as the string property Query");
        }
        return FetchXmlParser.parse(text.textValue(), FetchXmlParser.MAX_PAGE_SIZE)
                .query();
    }

    /** Parses a QueryExpression JSON object; error paths are relative to it ({@code Criteria.Conditions[0]}). */
    public static Query parse(JsonNode query) {
        return parse(query, "");
    }

    private static Query parse(JsonNode node, String path) {
        ObjectNode query = object(node, path);
        rejectUnknownProperties(query, path, QUERY_PROPERTIES);
        checkODataType(query, path);
        optionalString(query, path, "DataSource").ifPresent(dataSource -> {
            throw unsupported(
                    child(path, "DataSource"),
                    "DataSource %s is not supported; only live data can be queried",
                    quote(dataSource));
        });
        String entityLogicalName = logicalName(query, path, "EntityName");
        Relation root = new Relation(
                entityLogicalName,
                columns(query, path, Columns.every()),
                present(query, "Criteria")
                        .flatMap(filter -> filter(filter, child(path, "Criteria"), 1))
                        .orElse(Condition.TRUE),
                orders(query, path),
                links(query, path, entityLogicalName, new int[] {0}));
        OptionalInt top = topCount(query, path);
        boolean distinct = optionalBoolean(query, path, "Distinct", false);

        Optional<JsonNode> pageInfoNode = present(query, "PageInfo");
        if (pageInfoNode.isEmpty()) {
            return new Query(root, top, OptionalInt.empty(), distinct, Optional.empty(), false);
        }
        String pageInfoPath = child(path, "PageInfo");
        ObjectNode pageInfo = object(pageInfoNode.get(), pageInfoPath);
        rejectUnknownProperties(pageInfo, pageInfoPath, PAGE_INFO_PROPERTIES);
        int count = nonNegativeInt(pageInfo, pageInfoPath, "Count");
        int pageNumber = nonNegativeInt(pageInfo, pageInfoPath, "PageNumber");
        Optional<String> cookie =
                optionalString(pageInfo, pageInfoPath, "PagingCookie").filter(text -> !text.isBlank());
        boolean includeCount = optionalBoolean(pageInfo, pageInfoPath, "ReturnTotalRecordCount", false);
        if (count == 0) {
            if (cookie.isPresent()) {
                throw syntax(child(pageInfoPath, "PagingCookie"), "A PagingCookie needs PageInfo.Count, the page size");
            }
            if (pageNumber > 1) {
                throw syntax(
                        child(pageInfoPath, "PageNumber"),
                        "PageNumber %d needs PageInfo.Count, the page size",
                        pageNumber);
            }
            return new Query(root, top, OptionalInt.empty(), distinct, Optional.empty(), includeCount);
        }
        if (top.isPresent()) {
            throw syntax(
                    child(path, "TopCount"),
                    "TopCount cannot be combined with PageInfo.Count (Dataverse refuses it too); use one or the other");
        }
        OptionalInt skip = OptionalInt.empty();
        if (cookie.isEmpty() && pageNumber > 1) {
            long rows = (pageNumber - 1L) * count;
            if (rows > Integer.MAX_VALUE) {
                throw syntax(
                        child(pageInfoPath, "PageNumber"),
                        "Page %d of %d rows is beyond the last row the gateway can skip to",
                        pageNumber,
                        count);
            }
            skip = OptionalInt.of((int) rows);
        }
        return new Query(root, top, skip, distinct, Optional.of(new Query.Page(count, cookie)), includeCount);
    }

    private static void checkODataType(ObjectNode query, String path) {
        Optional<String> type = optionalString(query, path, "@odata.type");
        if (type.isPresent()
                && !type.get().equals(QUERY_EXPRESSION_TYPE)
                && !type.get().equals("#" + QUERY_EXPRESSION_TYPE)) {
            throw unsupported(
                    child(path, "@odata.type"),
                    "Query type %s is not supported; send a %s",
                    quote(type.get()),
                    QUERY_EXPRESSION_TYPE);
        }
    }

    /**
     * The ColumnSet of the query (property {@code ColumnSet}) or of a link-entity ({@code Columns}):
     * {@code AllColumns} is every column; absent or empty is {@code whenNone}.
     */
    private static Columns columns(ObjectNode query, String path, Columns whenNone) {
        String property = whenNone.all() ? "ColumnSet" : "Columns";
        Optional<JsonNode> columnSetNode = present(query, property);
        if (columnSetNode.isEmpty()) {
            return whenNone;
        }
        String columnSetPath = child(path, property);
        ObjectNode columnSet = object(columnSetNode.get(), columnSetPath);
        rejectUnknownProperties(columnSet, columnSetPath, COLUMN_SET_PROPERTIES);
        if (!optionalArray(columnSet, columnSetPath, "AttributeExpressions").isEmpty()) {
            throw unsupported(
                    child(columnSetPath, "AttributeExpressions"),
                    "Aggregate columns (AttributeExpressions) are not supported yet");
        }
        boolean allColumns = optionalBoolean(columnSet, columnSetPath, "AllColumns", false);
        String columnsPath = child(columnSetPath, "Columns");
        List<JsonNode> names = optionalArray(columnSet, columnSetPath, "Columns");
        LinkedHashSet<String> columns = new LinkedHashSet<>();
        for (int index = 0; index < names.size(); index++) {
            JsonNode name = names.get(index);
            if (!name.isTextual()) {
                throw syntax(element(columnsPath, index), "Expected a column name, found %s", describe(name));
            }
            columns.add(JsonFields.checkLogicalName(name.textValue(), element(columnsPath, index)));
        }
        if (allColumns) {
            return Columns.every();
        }
        return columns.isEmpty() ? whenNone : Columns.named(List.copyOf(columns));
    }

    /** A FilterExpression; empty when it holds no condition at all, so that its parent ignores it. */
    private static Optional<Condition> filter(JsonNode node, String path, int depth) {
        if (depth > MAX_FILTER_DEPTH) {
            throw syntax(path, "Filters are nested more than %d levels deep", MAX_FILTER_DEPTH);
        }
        ObjectNode filter = object(node, path);
        rejectUnknownProperties(filter, path, FILTER_PROPERTIES);
        boolean or = enumMember(filter, path, "FilterOperator", FILTER_OPERATORS, 0) == 1;
        if (optionalBoolean(filter, path, "IsQuickFindFilter", false)) {
            throw unsupported(
                    child(path, "IsQuickFindFilter"), "Quick find filters (IsQuickFindFilter) are not supported yet");
        }
        optionalString(filter, path, "FilterHint"); // a SQL hint such as "union": checked for type, otherwise ignored

        List<Condition> parts = new ArrayList<>();
        String conditionsPath = child(path, "Conditions");
        List<JsonNode> conditions = optionalArray(filter, path, "Conditions");
        for (int index = 0; index < conditions.size(); index++) {
            parts.add(condition(conditions.get(index), element(conditionsPath, index)));
        }
        String filtersPath = child(path, "Filters");
        List<JsonNode> filters = optionalArray(filter, path, "Filters");
        for (int index = 0; index < filters.size(); index++) {
            filter(filters.get(index), element(filtersPath, index), depth + 1).ifPresent(parts::add);
        }
        if (parts.size() <= 1) {
            return parts.stream().findFirst();
        }
        return Optional.of(or ? new Condition.Or(parts) : new Condition.And(parts));
    }

    private static Condition condition(JsonNode node, String path) {
        ObjectNode condition = object(node, path);
        rejectUnknownProperties(condition, path, CONDITION_PROPERTIES);
        String attribute = logicalName(condition, path, "AttributeName");
        Optional<String> relation = JsonFields.optionalLogicalName(condition, path, "EntityName");
        ConditionOperator operator = operator(condition, path);
        AttributeRef subject = new AttributeRef(relation, attribute);
        String valuesPath = child(path, "Values");
        ConditionBuilder.Problems problems = problems(path, valuesPath);
        if (optionalBoolean(condition, path, "CompareColumns", false)) {
            List<Literal> values = ConditionValues.read(condition, path, false);
            if (values.size() != 1 || !(values.get(0).value() instanceof String other) || other.isBlank()) {
                throw syntax(
                        valuesPath, "With CompareColumns, Values holds one value: the name of the other attribute");
            }
            return ConditionBuilder.compareColumns(
                    operator, operator.describe(), subject, ConditionBuilder.column(other), problems);
        }
        return ConditionBuilder.build(
                operator,
                operator.describe(),
                subject,
                () -> ConditionValues.read(
                        condition, path, operator == ConditionOperator.IN || operator == ConditionOperator.NOT_IN),
                problems);
    }

    private static ConditionBuilder.Problems problems(String path, String valuesPath) {
        return new ConditionBuilder.Problems() {
            @Override
            public GatewayException values(String message) {
                return syntax(valuesPath, "%s", message);
            }

            @Override
            public GatewayException unsupported(String message) {
                return JsonFields.unsupported(child(path, "Operator"), "%s", message);
            }
        };
    }

    private static ConditionOperator operator(ObjectNode condition, String path) {
        String operatorPath = child(path, "Operator");
        JsonNode operator = present(condition, "Operator")
                .orElseThrow(() -> syntax(operatorPath, "The required property Operator is missing"));
        if (operator.isTextual()) {
            String name = operator.textValue();
            return ConditionOperator.byName(name).orElseThrow(() -> ConditionOperator.byNameIgnoringCase(name)
                    .map(match -> syntax(
                            operatorPath,
                            "Unknown condition operator %s; did you mean '%s'? (names are case-sensitive)",
                            quote(name),
                            match.dataverseName()))
                    .orElseGet(() -> syntax(operatorPath, "Unknown condition operator %s", quote(name))));
        }
        if (operator.isIntegralNumber()) {
            OptionalLong value =
                    operator.canConvertToLong() ? OptionalLong.of(operator.longValue()) : OptionalLong.empty();
            return (value.isPresent()
                            ? ConditionOperator.byValue(value.getAsLong())
                            : Optional.<ConditionOperator>empty())
                    .orElseThrow(() -> syntax(
                            operatorPath,
                            "Unknown condition operator %s; the values go from 0 to %d",
                            operator.asText(),
                            ConditionOperator.values().length - 1));
        }
        throw syntax(
                operatorPath, "Expected a condition operator name or its integer value, found %s", describe(operator));
    }

    /**
     * The LinkEntities of a query or link-entity whose entity is {@code parentEntity}: each joins
     * {@code LinkFromAttributeName} of the parent to {@code LinkToAttributeName} of
     * {@code LinkToEntityName}. Inner and LeftOuter join; In, Exists, Any, NotAny, All and NotAll
     * filter the parent (see {@link Link.Kind}); Natural and MatchFirstRowUsingCrossApply are
     * refused by name. {@code counter} numbers them across the whole tree.
     */
    private static List<Link> links(ObjectNode node, String path, String parentEntity, int[] counter) {
        String linksPath = child(path, "LinkEntities");
        List<JsonNode> elements = optionalArray(node, path, "LinkEntities");
        List<Link> links = new ArrayList<>(elements.size());
        for (int index = 0; index < elements.size(); index++) {
            String linkPath = element(linksPath, index);
            ObjectNode link = object(elements.get(index), linkPath);
            rejectUnknownProperties(link, linkPath, LINK_PROPERTIES);
            if (++counter[0] > Relation.MAX_LINKS) {
                throw new GatewayException(
                        ErrorCode.TOO_MANY_LINK_ENTITIES,
                        "Number of link entities in query exceeded maximum limit: at most " + Relation.MAX_LINKS
                                + " are allowed (" + linkPath + ").");
            }
            Optional<String> from = optionalString(link, linkPath, "LinkFromEntityName");
            if (from.isPresent() && !from.get().equals(parentEntity)) {
                throw syntax(
                        child(linkPath, "LinkFromEntityName"),
                        "LinkFromEntityName %s must name the entity it links from, %s",
                        quote(from.get()),
                        quote(parentEntity));
            }
            String fromAttribute = logicalName(link, linkPath, "LinkFromAttributeName");
            String entity = logicalName(link, linkPath, "LinkToEntityName");
            String toAttribute = logicalName(link, linkPath, "LinkToAttributeName");
            int operator = enumMember(link, linkPath, "JoinOperator", JOIN_OPERATORS, 0);
            Link.Kind kind =
                    switch (operator) {
                        case 0 -> Link.Kind.INNER;
                        case 1 -> Link.Kind.LEFT_OUTER;
                        case 4 -> Link.Kind.IN;
                        case 5 -> Link.Kind.EXISTS;
                        case 6 -> Link.Kind.ANY;
                        case 7 -> Link.Kind.NOT_ANY;
                        case 8 -> Link.Kind.ALL;
                        case 9 -> Link.Kind.NOT_ALL;
                        default -> throw unsupported(
                                child(linkPath, "JoinOperator"),
                                "JoinOperator %s is not supported; use Inner, LeftOuter, In, Exists, Any, NotAny, All"
                                        + " or NotAll",
                                JOIN_OPERATORS.get(operator));
                    };
            Optional<String> alias = JsonFields.optionalLogicalName(link, linkPath, "EntityAlias");
            Relation relation = new Relation(
                    entity,
                    columns(link, linkPath, Columns.named(List.of())),
                    present(link, "LinkCriteria")
                            .flatMap(filter -> filter(filter, child(linkPath, "LinkCriteria"), 1))
                            .orElse(Condition.TRUE),
                    orders(link, linkPath),
                    links(link, linkPath, entity, counter));
            links.add(new Link(relation, fromAttribute, toAttribute, kind, alias));
        }
        return links;
    }

    private static List<Order> orders(ObjectNode query, String path) {
        String ordersPath = child(path, "Orders");
        List<JsonNode> elements = optionalArray(query, path, "Orders");
        List<Order> orders = new ArrayList<>(elements.size());
        for (int index = 0; index < elements.size(); index++) {
            String orderPath = element(ordersPath, index);
            ObjectNode order = object(elements.get(index), orderPath);
            rejectUnknownProperties(order, orderPath, ORDER_PROPERTIES);
            String attribute = logicalName(order, orderPath, "AttributeName");
            boolean descending = enumMember(order, orderPath, "OrderType", ORDER_TYPES, 0) == 1;
            optionalString(order, orderPath, "Alias").ifPresent(alias -> {
                throw unsupported(
                        child(orderPath, "Alias"),
                        "Ordering by an aggregate alias (%s) is not supported yet",
                        quote(alias));
            });
            Optional<String> relation = JsonFields.optionalLogicalName(order, orderPath, "EntityName");
            orders.add(new Order(relation, attribute, descending));
        }
        return orders;
    }

    private static OptionalInt topCount(ObjectNode query, String path) {
        OptionalLong top = optionalInteger(query, path, "TopCount");
        if (top.isEmpty()) {
            return OptionalInt.empty();
        }
        if (top.getAsLong() < 0 || top.getAsLong() > Integer.MAX_VALUE) {
            throw syntax(
                    child(path, "TopCount"),
                    "TopCount must be from 0 to %d, was %d",
                    Integer.MAX_VALUE,
                    top.getAsLong());
        }
        return OptionalInt.of((int) top.getAsLong());
    }

    private static int nonNegativeInt(ObjectNode node, String path, String name) {
        long value = optionalInteger(node, path, name).orElse(0);
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw syntax(child(path, name), "%s must be from 0 to %d, was %d", name, Integer.MAX_VALUE, value);
        }
        return (int) value;
    }

    private static String parseError(JsonProcessingException e) {
        String reason = e.getOriginalMessage() == null ? "unreadable input" : e.getOriginalMessage();
        if (reason.length() > MAX_PARSE_ERROR_LENGTH) {
            reason = reason.substring(0, MAX_PARSE_ERROR_LENGTH) + "…";
        }
        reason = reason.replaceAll("\\p{Cntrl}", " ");
        JsonLocation location = e.getLocation();
        return location == null || location.getLineNr() < 1
                ? reason
                : reason + " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
