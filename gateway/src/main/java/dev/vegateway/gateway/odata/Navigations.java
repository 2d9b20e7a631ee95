package dev.vegateway.gateway.odata;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.RelationDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.apache.olingo.server.api.uri.queryoption.ExpandItem;
import org.apache.olingo.server.api.uri.queryoption.ExpandOption;

/**
 * The joins an OData request asks for, as links of the query tree: every {@code $expand} of a
 * single-valued navigation property (with its nested {@code $select} and {@code $expand}), and
 * every navigation path a {@code $filter} or {@code $orderby} goes through. Each becomes a left
 * outer join named by its navigation path ({@code mserp_Customer}, {@code a/b}), so a missing or
 * unreadable related record reads as null and never removes the row it is related to.
 */
final class Navigations {
    /** At most this many levels of nested {@code $expand}. */
    static final int MAX_DEPTH = 3;
    /** At most this many expanded navigation properties in one request, nested ones included. */
    static final int MAX_EXPANDS = 10;

    private final Catalog catalog;
    private final Node root;
    private int expands;

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
        this.catalog = catalog;
        this.root = new Node("", Optional.empty(), root);
    }

    /** Adds the expanded navigation properties of {@code option} (absent: none). */
    void expand(ExpandOption option) {
        expand(root, option, 1);
    }

    private void expand(Node parent, ExpandOption option, int depth) {
        if (option == null) {
            return;
        }
        for (ExpandItem item : option.getExpandItems()) {
            if (item.isStar()) {
                throw GatewayException.of(
                        ErrorCode.UNSUPPORTED_QUERY, "$expand=* is not supported; name the navigation properties.");
            }
            if (item.isRef() || item.getLevelsOption() != null) {
                throw GatewayException.of(ErrorCode.UNSUPPORTED_QUERY, "$expand supports neither $ref nor $levels.");
            }
            List<UriResource> parts = item.getResourcePath() == null
                    ? List.of()
                    : item.getResourcePath().getUriResourceParts();
            if (parts.size() != 1 || !(parts.get(0) instanceof UriResourceNavigation navigation)) {
                throw GatewayException.of(ErrorCode.UNSUPPORTED_QUERY, "$expand takes navigation properties only.");
            }
            String name = navigation.getProperty().getName();
            if (navigation.isCollection()) {
                throw GatewayException.of(
                        ErrorCode.NOT_IMPLEMENTED, "Expanding the collection-valued '%s' is not supported yet.", name);
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
            if (depth > MAX_DEPTH) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX, "$expand is nested more than %d levels deep at '%s'.", MAX_DEPTH, name);
            }
            if (++expands > MAX_EXPANDS) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX, "A request may expand at most %d navigation properties.", MAX_EXPANDS);
            }
            Node node = step(parent, name);
            node.expanded = true;
            node.columns = Columns.namedOrAll(ODataFrontEnd.select(item.getSelectOption()));
            expand(node, item.getExpandOption(), depth + 1);
        }
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
