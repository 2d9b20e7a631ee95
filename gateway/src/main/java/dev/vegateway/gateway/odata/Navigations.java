package dev.vegateway.gateway.odata;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.plan.NavigableRelations;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Expansion;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.InverseRelation;
import dev.vegateway.catalog.RelationDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.apache.olingo.server.api.uri.UriResourcePrimitiveProperty;
import org.apache.olingo.server.api.uri.queryoption.ExpandItem;
import org.apache.olingo.server.api.uri.queryoption.ExpandOption;
import org.apache.olingo.server.api.uri.queryoption.OrderByItem;
import org.apache.olingo.server.api.uri.queryoption.OrderByOption;
import org.apache.olingo.server.api.uri.queryoption.expression.Member;

/**
 * The joins an OData request asks for, as links of the query tree: every {@code $expand} of a
 * single-valued navigation property (with its nested {@code $select} and {@code $expand}), every
 * {@code $expand} of a collection-valued one as a {@link CollectionExpand} (a query of its own), and
 * every navigation path a {@code $filter} or {@code $orderby} goes through. Each becomes a left
 * outer join named by its navigation path ({@code mserp_Customer}, {@code a/b}), so a missing or
 * unreadable related record reads as null and never removes the row it is related to.
 */
final class Navigations {
    /** How deep and how many {@code $expand}s one request may ask for. */
    record Limits(int maxDepth, int maxExpands) {
        static final Limits DEFAULT = new Limits(3, 10);

        Limits {
            if (maxDepth < 1 || maxExpands < 1) {
                throw new IllegalArgumentException(
                        "maxDepth and maxExpands must be positive, were " + maxDepth + " and " + maxExpands);
            }
        }
    }

    private final Catalog catalog;
    private final Node root;
    private final Limits limits;
    /** Expanded navigation properties counted so far in the request, nested collections' own included. */
    private final int[] expands;
    /** Whether collection-valued navigation properties may be expanded here (at the top level only). */
    private final boolean collectionsAllowed;

    private final List<CollectionExpand> collections = new ArrayList<>();

    /** One navigation step: the relation followed, its target, what it selects, and the steps below it. */
    private static final class Node {
        final String path;
        final Optional<RelationDefinition> relation;
        final EntityDefinition entity;
        Columns columns = Columns.named(List.of());
        boolean expanded;
        final Map<String, Node> children = new LinkedHashMap<>();

        Node(String path, Optional<RelationDefinition> relation, EntityDefinition entity) {
            this.path = path;
            this.relation = relation;
            this.entity = entity;
        }
    }

    Navigations(Catalog catalog, EntityDefinition root) {
        this(catalog, root, Limits.DEFAULT);
    }

    Navigations(Catalog catalog, EntityDefinition root, Limits limits) {
        this(catalog, root, limits, new int[1], true);
    }

    private Navigations(
            Catalog catalog, EntityDefinition root, Limits limits, int[] expands, boolean collectionsAllowed) {
        this.catalog = catalog;
        this.root = new Node("", Optional.empty(), root);
        this.limits = limits;
        this.expands = expands;
        this.collectionsAllowed = collectionsAllowed;
    }

    /**
     * Adds the expanded navigation properties of {@code option} (absent: none); {@code expandText}
     * is the decoded {@code $expand} value as written, for the nextLinks of collection-valued ones.
     */
    void expand(ExpandOption option, String expandText) {
        expand(root, option, 1, expandText);
    }

    private void expand(Node parent, ExpandOption option, int depth, String expandText) {
        if (option == null) {
            return;
        }
        for (ExpandItem item : option.getExpandItems()) {
            if (item.isStar()) {
                throw GatewayException.of(
                        ErrorCode.UNSUPPORTED_QUERY, "$expand=* is not supported; name the navigation properties.");
            }
            if (item.isRef()) {
                throw GatewayException.of(ErrorCode.UNSUPPORTED_QUERY, "$expand does not support $ref.");
            }
            List<UriResource> parts = item.getResourcePath() == null
                    ? List.of()
                    : item.getResourcePath().getUriResourceParts();
            if (parts.size() != 1 || !(parts.get(0) instanceof UriResourceNavigation navigation)) {
                throw GatewayException.of(ErrorCode.UNSUPPORTED_QUERY, "$expand takes navigation properties only.");
            }
            String name = navigation.getProperty().getName();
            if (item.getLevelsOption() != null) {
                throw GatewayException.of(
                        ErrorCode.UNSUPPORTED_QUERY, "$levels is not supported inside $expand of '%s'.", name);
            }
            if (depth > limits.maxDepth()) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "$expand is nested more than %d levels deep at '%s'.",
                        limits.maxDepth(),
                        name);
            }
            if (++expands[0] > limits.maxExpands()) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "A request may expand at most %d navigation properties.",
                        limits.maxExpands());
            }
            if (navigation.isCollection()) {
                expandCollection(parent, item, name, depth, expandText);
                continue;
            }
            if (item.getFilterOption() != null
                    || item.getOrderByOption() != null
                    || item.getTopOption() != null
                    || item.getSkipOption() != null
                    || item.getCountOption() != null
                    || item.getSearchOption() != null
                    || item.getApplyOption() != null) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "The single-valued '%s' takes only $select and $expand inside $expand.",
                        name);
            }
            Node node = step(parent, name);
            node.expanded = true;
            node.columns = Columns.namedOrAll(ODataFrontEnd.select(item.getSelectOption()));
            expand(node, item.getExpandOption(), depth + 1, "");
        }
    }

    /**
     * A collection-valued navigation property (the partner of a relation): its related rows are a
     * query of their own, with their nested $select, $filter, $orderby, $top and single-valued
     * $expand; read for all parents of a page at once.
     */
    private void expandCollection(Node parent, ExpandItem item, String name, int depth, String expandText) {
        if (!collectionsAllowed || parent != root) {
            throw GatewayException.of(
                    ErrorCode.NOT_IMPLEMENTED,
                    "The collection-valued '%s' can be expanded only at the top level of $expand.",
                    name);
        }
        if (item.getSkipOption() != null) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX,
                    "$skip is not supported inside $expand of the collection-valued '%s'; follow its nextLink.",
                    name);
        }
        if (item.getCountOption() != null) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX,
                    "$count is not supported inside $expand of the collection-valued '%s'.",
                    name);
        }
        if (item.getSearchOption() != null || item.getApplyOption() != null) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX,
                    "The collection-valued '%s' takes only $select, $filter, $orderby, $top and $expand inside $expand.",
                    name);
        }
        InverseRelation inverse = catalog.inverseRelation(parent.entity.logicalName(), name)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.UNKNOWN_PROPERTY,
                        "Entity '%s' has no navigation property '%s'.",
                        parent.entity.logicalName(),
                        name));
        NavigableRelations.require(catalog, inverse.relation(), name);
        EntityDefinition related = catalog.byLogicalName(inverse.sourceEntity()).orElseThrow();
        Navigations nested = new Navigations(catalog, related, limits, expands, false);
        Condition criteria = item.getFilterOption() == null
                ? Condition.TRUE
                : condition(CollectionExpand.nestedOptions(expandText, name));
        List<Order> orders = orders(item.getOrderByOption());
        nested.expand(nested.root, item.getExpandOption(), depth + 1, "");
        nested.use(criteria);
        orders.forEach(nested::use);
        Expansion expansion = new Expansion(
                name,
                new Relation(
                        related.logicalName(),
                        Columns.namedOrAll(ODataFrontEnd.select(item.getSelectOption())),
                        criteria,
                        orders,
                        nested.links()),
                inverse.relation().field(),
                inverse.relation().targetField(),
                item.getTopOption() == null
                        ? OptionalInt.empty()
                        : OptionalInt.of(item.getTopOption().getValue()));
        collections.add(
                new CollectionExpand(expansion, nested.expanded(), CollectionExpand.nestedOptions(expandText, name)));
    }

    /**
     * The condition of a nested {@code $filter}, from the nested options as written (Olingo checked
     * their structure), read by the gateway's one filter parser.
     */
    static Condition condition(List<String> nestedOptions) {
        for (String option : nestedOptions) {
            if (option.startsWith("$filter=")) {
                return new FilterOptions(Optional.of(option.substring("$filter=".length())), Map.of(), null)
                        .condition();
            }
        }
        throw new IllegalStateException("a nested $filter that its expand item does not show");
    }

    /** The sort keys of a $orderby (absent: none); properties and navigation paths only. */
    static List<Order> orders(OrderByOption option) {
        List<Order> orders = new ArrayList<>();
        if (option == null) {
            return orders;
        }
        for (OrderByItem item : option.getOrders()) {
            if (!(item.getExpression() instanceof Member)) {
                throw GatewayException.of(
                        ErrorCode.UNSUPPORTED_QUERY, "$orderby supports properties only, not expressions.");
            }
            AttributeRef attribute = attribute((Member) item.getExpression());
            orders.add(new Order(attribute.relation(), attribute.name(), item.isDescending()));
        }
        return orders;
    }

    /**
     * A property of the entity ({@code name}), or of an entity reached through single-valued
     * navigation properties ({@code nav/name}, {@code nav/nav2/name}): the relation is then named
     * by its navigation path, which the front end joins.
     */
    static AttributeRef attribute(Member member) {
        if (member.isCollection() || member.getResourcePath() == null) {
            throw GatewayException.of(
                    ErrorCode.UNSUPPORTED_QUERY, "$orderby cannot sort by a collection-valued property.");
        }
        List<UriResource> parts = member.getResourcePath().getUriResourceParts();
        List<String> navigation = new ArrayList<>();
        for (int i = 0; i < parts.size() - 1; i++) {
            if (!(parts.get(i) instanceof UriResourceNavigation step) || step.isCollection()) {
                throw GatewayException.of(
                        ErrorCode.UNSUPPORTED_QUERY,
                        "$orderby supports paths through single-valued navigation properties only.");
            }
            navigation.add(step.getProperty().getName());
        }
        if (!(parts.get(parts.size() - 1) instanceof UriResourcePrimitiveProperty property)) {
            throw GatewayException.of(
                    ErrorCode.UNSUPPORTED_QUERY,
                    "$orderby cannot sort by a navigation property; name one of its properties (nav/property).");
        }
        String name = property.getProperty().getName();
        return navigation.isEmpty()
                ? new AttributeRef(name)
                : new AttributeRef(Optional.of(String.join("/", navigation)), name);
    }

    /** The expanded collection-valued navigation properties, in the order written. */
    List<CollectionExpand> collections() {
        return List.copyOf(collections);
    }

    /** Adds the joins the navigation paths of a condition go through. */
    void use(Condition condition) {
        if (condition instanceof Condition.And and) {
            and.conditions().forEach(this::use);
        } else if (condition instanceof Condition.Or or) {
            or.conditions().forEach(this::use);
        } else if (condition instanceof Condition.Not not) {
            use(not.condition());
        } else if (condition instanceof Condition.Comparison comparison) {
            use(comparison.left());
            use(comparison.right());
        } else if (condition instanceof Condition.IsNull isNull) {
            use(isNull.operand());
        } else if (condition instanceof Condition.Like like) {
            use(like.operand());
        } else if (condition instanceof Condition.In in) {
            use(in.operand());
        } else if (condition instanceof Condition.ContainValues contain) {
            use(contain.operand());
        } else if (condition instanceof Condition.Between between) {
            use(between.operand());
        }
    }

    /** Adds the join the navigation path of a sort key goes through. */
    void use(Order order) {
        order.relation().ifPresent(this::path);
    }

    private void use(dev.vegateway.adapter.query.Operand operand) {
        if (operand instanceof AttributeRef attribute) {
            attribute.relation().ifPresent(this::path);
        } else if (operand instanceof dev.vegateway.adapter.query.FunctionCall call) {
            call.arguments().forEach(this::use);
        }
    }

    /** Adds the joins of a navigation path ({@code a/b}); an unknown or collection-valued step is 400 naming it. */
    void usePath(String path) {
        path(path);
    }

    /** The entity a navigation path already used leads to. */
    EntityDefinition target(String path) {
        Node node = root;
        for (String name : path.split("/")) {
            node = step(node, name);
        }
        return node.entity;
    }

    private void path(String path) {
        Node node = root;
        for (String name : path.split("/")) {
            node = step(node, name);
        }
    }

    private Node step(Node parent, String name) {
        Node existing = parent.children.get(name);
        if (existing != null) {
            return existing;
        }
        RelationDefinition relation = parent.entity
                .relation(name)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.UNKNOWN_PROPERTY,
                        "Entity '%s' has no navigation property '%s'.",
                        parent.entity.logicalName(),
                        name));
        NavigableRelations.require(catalog, relation, name);
        EntityDefinition target = catalog.byLogicalName(relation.targetEntity()).orElseThrow();
        Node node = new Node(parent.path.isEmpty() ? name : parent.path + "/" + name, Optional.of(relation), target);
        parent.children.put(name, node);
        return node;
    }

    /** The links under the root. */
    List<Link> links() {
        return links(root);
    }

    private static List<Link> links(Node parent) {
        List<Link> links = new ArrayList<>();
        for (Node node : parent.children.values()) {
            RelationDefinition relation = node.relation.orElseThrow();
            links.add(new Link(
                    new Relation(node.entity.logicalName(), node.columns, Condition.TRUE, List.of(), links(node)),
                    relation.field(),
                    relation.targetField(),
                    Link.Kind.LEFT_OUTER,
                    Optional.of(node.path)));
        }
        return links;
    }

    /** The paths of the expanded navigation properties, parents first. */
    List<String> expanded() {
        List<String> paths = new ArrayList<>();
        collect(root, paths);
        return paths;
    }

    private static void collect(Node parent, List<String> paths) {
        for (Node node : parent.children.values()) {
            if (node.expanded) {
                paths.add(node.path);
            }
            collect(node, paths);
        }
    }
}
