package dev.vegateway.adapter.fetchxml;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.operators.ConditionBuilder;
import dev.vegateway.adapter.operators.ConditionOperator;
import dev.vegateway.adapter.query.Aggregation;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.adapter.service.QueryService;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads a FetchXML query into the neutral query tree, the one QueryExpression and OData produce:
 * {@code entity} is the root relation, {@code link-entity} a {@link Link} (inner, outer, or one of
 * the filtering types), {@code filter}/{@code condition} the relation's criteria (a condition's
 * {@code entityname} names a link by its alias), {@code order} its orders. Every element and
 * attribute is checked: one that FetchXML does not have is 400 naming it, one that it has but the
 * gateway does not support yet (aggregates, {@code valueof}, the date and user operators) is 400
 * saying so. The XML may not declare a DTD, so no entity is ever expanded or fetched.
 */
public final class FetchXmlParser {
    /** The longest FetchXML accepted, in characters. */
    public static final int MAX_LENGTH = 65_536;
    /** The largest page ({@code count}), as Dataverse. */
    public static final int MAX_PAGE_SIZE = 5000;

    private static final Set<String> FETCH_ATTRIBUTES = Set.of(
            "version",
            "count",
            "page",
            "paging-cookie",
            "distinct",
            "top",
            "returntotalrecordcount",
            "aggregate",
            "aggregatelimit",
            "no-lock",
            "mapping",
            "output-format",
            "utc-offset",
            "min-active-row-version",
            "latematerialize",
            "useraworderby",
            "datasource",
            "options");
    private static final Set<String> ATTRIBUTE_ATTRIBUTES =
            Set.of("name", "alias", "aggregate", "groupby", "dategrouping", "distinct", "usertimezone", "rowaggregate");
    private static final Set<String> ORDER_ATTRIBUTES = Set.of("attribute", "alias", "descending", "entityname");
    private static final Set<String> FILTER_ATTRIBUTES = Set.of(
            "type", "isquickfindfields", "overridequickfindrecordlimitenabled", "overridequickfindrecordlimitdisabled");
    private static final Set<String> CONDITION_ATTRIBUTES = Set.of(
            "attribute",
            "operator",
            "value",
            "entityname",
            "valueof",
            "alias",
            "aggregate",
            "rowaggregate",
            "uiname",
            "uitype",
            "uihidden");
    private static final Set<String> LINK_ATTRIBUTES =
            Set.of("name", "from", "to", "alias", "link-type", "visible", "intersect");
    private static final Map<String, Link.Kind> LINK_TYPES = Map.of(
            "inner",
            Link.Kind.INNER,
            "outer",
            Link.Kind.LEFT_OUTER,
            "exists",
            Link.Kind.EXISTS,
            "in",
            Link.Kind.IN,
            "any",
            Link.Kind.ANY,
            "not any",
            Link.Kind.NOT_ANY,
            "all",
            Link.Kind.ALL,
            "not all",
            Link.Kind.NOT_ALL);

    private FetchXmlParser() {}

    /**
     * Parses {@code text}.
     *
     * @param defaultPageSize the page size when the fetch has no {@code count}
     * @throws GatewayException 400 naming the element and attribute at fault
     */
    public static FetchXml parse(String text, int defaultPageSize) {
        requireNonNull(text, "text is null");
        if (text.length() > MAX_LENGTH) {
            throw syntax("The FetchXML is %d characters long; at most %d are accepted.", text.length(), MAX_LENGTH);
        }
        Element fetch = document(text).getDocumentElement();
        if (!fetch.getTagName().equals("fetch")) {
            throw syntax("The FetchXML must have <fetch> as its root element, not <%s>.", fetch.getTagName());
        }
        allowOnly(fetch, FETCH_ATTRIBUTES);
        Optional<AggregateAttributes> aggregate =
                bool(fetch, "aggregate", false) ? Optional.of(new AggregateAttributes()) : Optional.empty();
        OptionalInt aggregateLimit = integer(fetch, "aggregatelimit", 1, QueryService.AGGREGATE_LIMIT);
        if (aggregateLimit.isPresent() && aggregate.isEmpty()) {
            throw syntax("<fetch aggregatelimit=…> needs aggregate=\"true\".");
        }
        List<Element> entities = children(fetch, Set.of("entity"));
        if (entities.size() != 1) {
            throw syntax("<fetch> must hold exactly one <entity>, it holds %d.", entities.size());
        }
        Relation root = relation(entities.get(0), true, new int[] {0}, aggregate, Optional.empty());

        OptionalInt top = integer(fetch, "top", 0, Integer.MAX_VALUE);
        OptionalInt count = integer(fetch, "count", 1, MAX_PAGE_SIZE);
        OptionalInt page = integer(fetch, "page", 1, Integer.MAX_VALUE);
        Optional<String> cookie = attribute(fetch, "paging-cookie").filter(value -> !value.isBlank());
        if (top.isPresent() && (count.isPresent() || page.isPresent())) {
            throw syntax("<fetch>: the top attribute can't be specified with the paging attributes count or page (as in"
                    + " Dataverse); use one or the other.");
        }
        boolean distinct = bool(fetch, "distinct", false);
        boolean includeCount = bool(fetch, "returntotalrecordcount", false);
        int pageNumber = page.orElse(1);
        int pageSize = count.orElse(Math.min(defaultPageSize, MAX_PAGE_SIZE));
        OptionalInt skip = OptionalInt.empty();
        if (cookie.isEmpty() && pageNumber > 1) {
            long rows = (pageNumber - 1L) * pageSize;
            if (rows > Integer.MAX_VALUE) {
                throw syntax(
                        "<fetch page=\"%d\">: the page is beyond the last row the gateway can skip to.", pageNumber);
            }
            skip = OptionalInt.of((int) rows);
        }
        if (aggregate.isPresent()) {
            if (aggregate.get().groups.isEmpty() && aggregate.get().aggregates.isEmpty()) {
                throw syntax("<fetch aggregate=\"true\"> needs attributes with aggregate or groupby.");
            }
            for (Aggregation.AliasOrder order : aggregate.get().orders) {
                if (!aggregate.get().aliases.contains(order.alias())) {
                    throw syntax(
                            "<order alias=\"%s\">: no attribute of the fetch has this alias.", shorten(order.alias()));
                }
            }
            Optional<Query.Page> paged = count.isPresent() || page.isPresent() || cookie.isPresent()
                    ? Optional.of(new Query.Page(pageSize, cookie.map(String::strip)))
                    : Optional.empty();
            // distinct changes nothing (each row is a distinct group); returntotalrecordcount counts the groups
            Query aggregated = new Query(root, top, skip, false, paged, includeCount)
                    .withAggregation(new Aggregation(
                            aggregate.get().groups, aggregate.get().aggregates, aggregate.get().orders));
            return new FetchXml(aggregated, pageNumber);
        }
        Query query = new Query(
                root,
                top,
                skip,
                distinct,
                Optional.of(new Query.Page(pageSize, cookie.map(String::strip))),
                includeCount);
        return new FetchXml(query, pageNumber);
    }

    private static Document document(String text) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            factory.setNamespaceAware(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(new InputSource(new StringReader(text)));
        } catch (SAXParseException e) {
            throw syntax(
                    "The FetchXML is not well-formed XML at line %d, column %d: %s",
                    e.getLineNumber(), e.getColumnNumber(), shorten(String.valueOf(e.getMessage())));
        } catch (SAXException | IOException e) {
            throw syntax("The FetchXML could not be read: %s", shorten(String.valueOf(e.getMessage())));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be made safe", e);
        }
    }

    /**
     * An {@code entity} or {@code link-entity}: its columns, criteria, orders and links. {@code counter}
     * numbers the link-entities of the whole fetch.
     */
    /** The groups and aggregates of an aggregate fetch, in the order written. */
    private static final class AggregateAttributes {
        final List<Aggregation.Grouping> groups = new ArrayList<>();
        final List<Aggregation.Aggregate> aggregates = new ArrayList<>();
        final Set<String> aliases = new java.util.HashSet<>();
        final List<Aggregation.AliasOrder> orders = new ArrayList<>();
    }

    /**
     * @param linkName the alias of a link-entity, which names its attributes in an aggregate fetch
     */
    private static Relation relation(
            Element element,
            boolean root,
            int[] counter,
            Optional<AggregateAttributes> aggregate,
            Optional<String> linkName) {
        if (root) {
            allowOnly(element, Set.of("name", "enableprefiltering", "prefilterparametername"));
        }
        String name = required(element, "name");
        List<String> columns = new ArrayList<>();
        Map<String, String> aliases = new java.util.LinkedHashMap<>();
        Map<String, String> childCounts = new java.util.LinkedHashMap<>();
        boolean all = false;
        List<Condition> criteria = new ArrayList<>();
        List<Order> orders = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        for (Element child :
                children(element, Set.of("attribute", "all-attributes", "order", "filter", "link-entity"))) {
            switch (child.getTagName()) {
                case "attribute" -> {
                    if (aggregate.isPresent()) {
                        if (!root && linkName.isEmpty()) {
                            throw syntax(
                                    "<link-entity name=\"%s\">: give the link-entity an alias to group by or"
                                            + " aggregate its attributes.",
                                    name);
                        }
                        aggregateAttribute(child, aggregate.get(), linkName);
                    } else if (child.hasAttribute("rowaggregate")) {
                        childCount(child, root, childCounts);
                    } else {
                        String column = attributeColumn(child);
                        Optional<String> alias = attribute(child, "alias").map(String::strip);
                        if (alias.isPresent()) {
                            if (alias.get().isEmpty()) {
                                throw syntax("<attribute name=\"%s\" alias=\"\">: the alias is empty.", column);
                            }
                            String previous = aliases.putIfAbsent(column, alias.get());
                            if (previous != null || columns.contains(column)) {
                                throw unsupported(
                                        "<attribute name=\"%s\" alias=\"%s\">: the attribute is asked for twice;"
                                                + " an attribute can be answered under one name only.",
                                        column, shorten(alias.get()));
                            }
                        } else if (aliases.containsKey(column)) {
                            throw unsupported(
                                    "<attribute name=\"%s\">: the attribute is asked for twice; an attribute can be"
                                            + " answered under one name only.",
                                    column);
                        }
                        columns.add(column);
                    }
                }
                case "all-attributes" -> {
                    allowOnly(child, Set.of());
                    all = true;
                }
                case "order" -> {
                    if (aggregate.isPresent()) {
                        aggregate.get().orders.add(aliasOrder(child));
                    } else {
                        orders.add(order(child));
                    }
                }
                case "filter" -> criteria.add(filter(child, 1));
                case "link-entity" -> {
                    if (++counter[0] > Relation.MAX_LINKS) {
                        throw new GatewayException(
                                ErrorCode.TOO_MANY_LINK_ENTITIES,
                                "Number of link entities in query exceeded maximum limit: at most " + Relation.MAX_LINKS
                                        + " are allowed.");
                    }
                    links.add(link(child, counter, aggregate));
                }
                default -> throw new IllegalStateException("unexpected <" + child.getTagName() + ">");
            }
        }
        Columns selected;
        if (aggregate.isPresent()) {
            if (all) {
                throw syntax("<all-attributes/> cannot be used in an aggregate fetch.");
            }
            selected = Columns.named(List.of());
        } else if (all) {
            if (!aliases.isEmpty()) {
                throw syntax(
                        "<%s name=\"%s\">: <all-attributes/> cannot be combined with aliased attributes.",
                        element.getTagName(), name);
            }
            selected = Columns.every();
        } else if (columns.isEmpty()) {
            // an entity without attribute elements returns all of them, a link-entity none (as in Dataverse)
            selected = root ? Columns.every() : Columns.named(List.of());
        } else {
            selected = Columns.named(columns, aliases);
        }
        if (!childCounts.isEmpty()) {
            selected = selected.withChildCounts(childCounts);
        }
        return new Relation(name, selected, Condition.and(criteria), orders, links);
    }

    /**
     * {@code <attribute name="key" rowaggregate="CountChildren" alias="n"/>}: the number of child
     * rows of each row in the entity's hierarchy, answered as {@code n}; on the entity of the fetch.
     */
    private static void childCount(Element element, boolean root, Map<String, String> childCounts) {
        allowOnly(element, ATTRIBUTE_ATTRIBUTES);
        String name = required(element, "name");
        String kind = element.getAttribute("rowaggregate").strip();
        if (!kind.equalsIgnoreCase("CountChildren")) {
            throw syntax(
                    "<attribute name=\"%s\" rowaggregate=\"%s\">: rowaggregate takes CountChildren.",
                    name, shorten(kind));
        }
        if (!root) {
            throw unsupported(
                    "<attribute name=\"%s\" rowaggregate=\"CountChildren\">: child rows are counted on the entity of"
                            + " the fetch, not on a link-entity.",
                    name);
        }
        for (String other : List.of("aggregate", "groupby", "dategrouping", "distinct")) {
            if (element.hasAttribute(other)) {
                throw syntax(
                        "<attribute name=\"%s\" rowaggregate=\"CountChildren\">: %s does not apply to it.",
                        name, other);
            }
        }
        String alias = required(element, "alias").strip();
        if (alias.isEmpty() || childCounts.putIfAbsent(alias, name) != null) {
            throw syntax(
                    "<attribute name=\"%s\" alias=\"%s\">: the alias is empty or used twice.", name, shorten(alias));
        }
    }

    private static void aggregateAttribute(Element element, AggregateAttributes aggregate, Optional<String> linkName) {
        allowOnly(element, ATTRIBUTE_ATTRIBUTES);
        String name = required(element, "name");
        String alias = required(element, "alias");
        if (element.hasAttribute("rowaggregate")) {
            throw unsupported("<attribute name=\"%s\">: rowaggregate is not supported.", name);
        }
        if (!aggregate.aliases.add(alias)) {
            throw syntax("<attribute name=\"%s\" alias=\"%s\">: the alias is used twice.", name, alias);
        }
        boolean groupBy = bool(element, "groupby", false);
        Optional<String> function = attribute(element, "aggregate");
        if (groupBy == function.isPresent()) {
            throw syntax(
                    "<attribute name=\"%s\">: in an aggregate fetch an attribute has either groupby=\"true\" or"
                            + " an aggregate, not %s.",
                    name, groupBy ? "both" : "neither");
        }
        AttributeRef attribute = new AttributeRef(linkName, name);
        Optional<String> dateGrouping = attribute(element, "dategrouping").map(String::strip);
        if (groupBy) {
            Optional<Aggregation.DateGrouping> part = Optional.empty();
            if (dateGrouping.isPresent()) {
                part = Optional.of(Aggregation.DateGrouping.byFetchXmlName(dateGrouping.get())
                        .orElseThrow(() -> syntax(
                                "<attribute name=\"%s\" dategrouping=\"%s\">: the date groupings are day, week, month,"
                                        + " quarter, year, fiscal-period and fiscal-year.",
                                name, shorten(dateGrouping.get()))));
            }
            aggregate.groups.add(new Aggregation.Grouping(attribute, alias, part));
            return;
        }
        if (dateGrouping.isPresent()) {
            throw syntax("<attribute name=\"%s\" dategrouping=…>: a date grouping needs groupby=\"true\".", name);
        }
        boolean distinct = bool(element, "distinct", false);
        Aggregation.Function kind =
                switch (function.get()) {
                    case "count" -> Aggregation.Function.COUNT_ROWS;
                    case "countcolumn" -> Aggregation.Function.COUNT;
                    case "sum" -> Aggregation.Function.SUM;
                    case "avg" -> Aggregation.Function.AVERAGE;
                    case "min" -> Aggregation.Function.MIN;
                    case "max" -> Aggregation.Function.MAX;
                    default -> throw syntax(
                            "<attribute name=\"%s\" aggregate=\"%s\">: the aggregates are count, countcolumn, sum,"
                                    + " avg, min and max.",
                            name, shorten(function.get()));
                };
        // distinct="true": over the distinct values of the column; count then counts them (as countcolumn does)
        if (distinct && kind == Aggregation.Function.COUNT_ROWS) {
            kind = Aggregation.Function.COUNT;
        }
        aggregate.aggregates.add(new Aggregation.Aggregate(
                kind,
                kind == Aggregation.Function.COUNT_ROWS ? Optional.empty() : Optional.of(attribute),
                distinct,
                alias));
    }

    private static String attributeColumn(Element element) {
        allowOnly(element, ATTRIBUTE_ATTRIBUTES);
        String name = required(element, "name");
        for (String aggregateAttribute : List.of("aggregate", "groupby", "dategrouping", "rowaggregate")) {
            if (element.hasAttribute(aggregateAttribute)) {
                throw syntax(
                        "<attribute name=\"%s\" %s=…>: aggregates and groups need <fetch aggregate=\"true\">.",
                        name, aggregateAttribute);
            }
        }
        return name;
    }

    /** {@code <order alias="x" descending="…"/>} in an aggregate fetch: by a group's or an aggregate's alias. */
    private static Aggregation.AliasOrder aliasOrder(Element element) {
        allowOnly(element, ORDER_ATTRIBUTES);
        if (element.hasAttribute("attribute") || element.hasAttribute("entityname")) {
            throw syntax("<order attribute=…> in an aggregate fetch: order by the alias of a group or an aggregate"
                    + " (<order alias=\"…\"/>).");
        }
        return new Aggregation.AliasOrder(required(element, "alias"), bool(element, "descending", false));
    }

    private static Order order(Element element) {
        allowOnly(element, ORDER_ATTRIBUTES);
        if (element.hasAttribute("alias")) {
            throw syntax("<order alias=…>: an order by alias belongs to an aggregate fetch; order by attribute here.");
        }
        String attribute = required(element, "attribute");
        return new Order(attribute(element, "entityname"), attribute, bool(element, "descending", false));
    }

    private static Link link(Element element, int[] counter, Optional<AggregateAttributes> aggregate) {
        allowOnly(element, LINK_ATTRIBUTES);
        String name = required(element, "name");
        String linkType = attribute(element, "link-type").orElse("inner");
        Link.Kind kind = LINK_TYPES.get(linkType);
        if (kind == null) {
            if (linkType.equals("natural") || linkType.equals("matchfirstrowusingcrossapply")) {
                throw unsupported("<link-entity name=\"%s\" link-type=\"%s\">: not supported.", name, linkType);
            }
            throw syntax(
                    "<link-entity name=\"%s\" link-type=\"%s\">: unknown link-type (inner, outer, exists, in, any, not"
                            + " any, all, not all).",
                    name, shorten(linkType));
        }
        // from names the attribute of the linked entity, to the attribute of its parent
        String from = required(element, "from");
        String to = required(element, "to");
        Optional<String> alias = attribute(element, "alias").map(String::strip).filter(text -> !text.isEmpty());
        if (aggregate.isPresent()
                && kind.filters()
                && element.getElementsByTagName("attribute").getLength() > 0) {
            throw syntax(
                    "<link-entity name=\"%s\" link-type=\"%s\">: a filtering link-entity has no attributes to group"
                            + " by or aggregate.",
                    name, linkType);
        }
        Relation relation = relation(element, false, counter, aggregate, alias);
        return new Link(relation, to, from, kind, attribute(element, "alias"));
    }

    private static Condition filter(Element element, int depth) {
        allowOnly(element, FILTER_ATTRIBUTES);
        if (depth > 100) {
            throw syntax("<filter> elements are nested more than 100 deep.");
        }
        String type = attribute(element, "type").orElse("and");
        if (!type.equals("and") && !type.equals("or")) {
            throw syntax("<filter type=\"%s\">: the type is and or or.", shorten(type));
        }
        List<Condition> parts = new ArrayList<>();
        for (Element child : children(element, Set.of("condition", "filter"))) {
            parts.add(child.getTagName().equals("condition") ? condition(child) : filter(child, depth + 1));
        }
        if (parts.isEmpty()) {
            return Condition.TRUE;
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return type.equals("and") ? new Condition.And(parts) : new Condition.Or(parts);
    }

    private static Condition condition(Element element) {
        allowOnly(element, CONDITION_ATTRIBUTES);
        String attribute = required(element, "attribute");
        String operatorName = required(element, "operator");

        if (element.hasAttribute("aggregate")
                || element.hasAttribute("alias")
                || element.hasAttribute("rowaggregate")) {
            throw unsupported(
                    "<condition attribute=\"%s\">: conditions on aggregates are not supported yet.", attribute);
        }
        ConditionOperator operator = FetchXmlOperators.byName(operatorName)
                .orElseThrow(() -> syntax(
                        "<condition attribute=\"%s\" operator=\"%s\">: unknown operator.",
                        attribute, shorten(operatorName)));
        String where = "<condition attribute=\"" + attribute + "\" operator=\"" + operatorName + "\">";
        AttributeRef subject = new AttributeRef(attribute(element, "entityname"), attribute);
        ConditionBuilder.Problems problems = new ConditionBuilder.Problems() {
            @Override
            public GatewayException values(String message) {
                return syntax("%s: %s.", where, message);
            }

            @Override
            public GatewayException unsupported(String message) {
                return FetchXmlParser.unsupported("%s: %s.", where, message);
            }
        };
        Optional<String> valueOf = attribute(element, "valueof").filter(text -> !text.isBlank());
        if (valueOf.isPresent()) {
            if (element.hasAttribute("value")
                    || !children(element, Set.of("value")).isEmpty()) {
                throw syntax("%s: valueof compares with another column; it takes no value.", where);
            }
            return ConditionBuilder.compareColumns(
                    operator, "'" + operatorName + "'", subject, ConditionBuilder.column(valueOf.get()), problems);
        }
        return ConditionBuilder.build(
                operator, "'" + operatorName + "'", subject, () -> values(element, where), problems);
    }

    /** The {@code value} attribute, or the {@code <value>} children; never both. Text is typed later, against the attribute. */
    private static List<Literal> values(Element element, String where) {
        List<Element> children = children(element, Set.of("value"));
        Optional<String> single = attribute(element, "value");
        if (single.isPresent() && !children.isEmpty()) {
            throw syntax("%s: give the value either as the value attribute or as <value> elements, not both.", where);
        }
        if (single.isPresent()) {
            return List.of(new Literal(single.get()));
        }
        List<Literal> values = new ArrayList<>(children.size());
        for (Element value : children) {
            allowOnly(value, Set.of("uiname", "uitype"));
            values.add(new Literal(value.getTextContent()));
        }
        return values;
    }

    // ---- elements and attributes

    /** The child elements, each of one of the {@code allowed} names (another is 400); text other than whitespace is 400. */
    private static List<Element> children(Element parent, Set<String> allowed) {
        List<Element> elements = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int index = 0; index < nodes.getLength(); index++) {
            Node node = nodes.item(index);
            if (node instanceof Element child) {
                if (!allowed.contains(child.getTagName())) {
                    throw syntax(
                            "<%s> cannot hold <%s>%s.",
                            parent.getTagName(),
                            shorten(child.getTagName()),
                            allowed.isEmpty()
                                    ? ""
                                    : " (it holds " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
                }
                elements.add(child);
            } else if (node.getNodeType() == Node.TEXT_NODE
                    && !node.getTextContent().isBlank()
                    && !parent.getTagName().equals("value")) {
                throw syntax(
                        "<%s> cannot hold text ('%s').",
                        parent.getTagName(), shorten(node.getTextContent().strip()));
            }
        }
        return elements;
    }

    private static void allowOnly(Element element, Set<String> allowed) {
        NamedNodeMap attributes = element.getAttributes();
        for (int index = 0; index < attributes.getLength(); index++) {
            String name = attributes.item(index).getNodeName();
            if (!allowed.contains(name)) {
                throw syntax("<%s> has no attribute '%s'.", element.getTagName(), shorten(name));
            }
        }
    }

    private static Optional<String> attribute(Element element, String name) {
        return element.hasAttribute(name) ? Optional.of(element.getAttribute(name)) : Optional.empty();
    }

    private static String required(Element element, String name) {
        String value = attribute(element, name).map(String::strip).orElse("");
        if (value.isEmpty()) {
            throw syntax("<%s> needs its %s attribute.", element.getTagName(), name);
        }
        return value;
    }

    private static boolean bool(Element element, String name, boolean absent) {
        Optional<String> value = attribute(element, name);
        if (value.isEmpty()) {
            return absent;
        }
        return switch (value.get().strip().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw syntax(
                    "<%s %s=\"%s\">: expected true or false.", element.getTagName(), name, shorten(value.get()));
        };
    }

    private static OptionalInt integer(Element element, String name, int minimum, int maximum) {
        Optional<String> value = attribute(element, name);
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            long number = Long.parseLong(value.get().strip());
            if (number < minimum || number > maximum) {
                throw syntax(
                        "<%s %s=\"%s\">: must be from %d to %d.", element.getTagName(), name, number, minimum, maximum);
            }
            return OptionalInt.of((int) number);
        } catch (NumberFormatException e) {
            throw syntax("<%s %s=\"%s\">: expected a whole number.", element.getTagName(), name, shorten(value.get()));
        }
    }

    private static String shorten(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", " ");
        return clean.length() > 100 ? clean.substring(0, 100) + "…" : clean;
    }

    @com.google.errorprone.annotations.FormatMethod
    private static GatewayException syntax(String format, Object... arguments) {
        return new GatewayException(
                ErrorCode.QUERY_SYNTAX, "FetchXML: " + String.format(Locale.ROOT, format, arguments));
    }

    @com.google.errorprone.annotations.FormatMethod
    private static GatewayException unsupported(String format, Object... arguments) {
        return new GatewayException(
                ErrorCode.UNSUPPORTED_QUERY, "FetchXML: " + String.format(Locale.ROOT, format, arguments));
    }
}
