package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.write.ActionService;
import dev.vegateway.catalog.ActionDefinition;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * PerformAction: {@code POST {set}({key})/Microsoft.Dynamics.CRM.{Action}} (bound) and
 * {@code POST {Action}} (unbound), the JSON body holding the parameters. The path is resolved
 * against the catalog here; the adapter's {@link ActionService} checks and runs the action.
 * Answers 204, or 200 with {@code {"@odata.context": "…$metadata#Edm.<Type>", "value": …}} for
 * an action that returns a value.
 */
final class ActionEndpoint {
    /** {@code /<namespace>.}: what separates a record from the bound action called on it. */
    private final String boundPrefix;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Catalog catalog;
    private final ActionService actions;

    ActionEndpoint(Catalog catalog, ActionService actions, String namespace) {
        this.boundPrefix = "/" + requireNonNull(namespace, "namespace is null") + ".";
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.actions = requireNonNull(actions, "actions is null");
    }

    /** Whether {@code rest} (the path after the service root) names an action rather than an entity set. */
    boolean isAction(String rest) {
        return rest.contains(boundPrefix)
                || (rest.length() > 1
                        && catalog.action(withoutCallParentheses(rest.substring(1)))
                                .isPresent());
    }

    void perform(Exchange exchange, Caller caller, String rest, byte[] body, String serviceRoot) throws IOException {
        Target target = target(rest);
        exchange.log.operation = "Action";
        target.entity().ifPresent(entity -> exchange.log.entitySet = entity.entitySetName());
        if (!(caller instanceof Caller.User user)) {
            throw AccessDenied.noCaller();
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (body.length > 0 && !new String(body, StandardCharsets.UTF_8).isBlank()) {
            Map<String, Optional<String>> binds = new LinkedHashMap<>();
            WriteEndpoint.payload(body, parameters, binds);
            if (!binds.isEmpty()) {
                throw GatewayException.of(
                        ErrorCode.VALIDATION,
                        "The parameter '%s' is not a parameter of the action '%s'.",
                        binds.keySet().iterator().next() + "@odata.bind",
                        target.action().name());
            }
        }
        Optional<Object> result = exchange.database(() -> actions.run(
                target.action(),
                target.key(),
                parameters,
                user.permissions(),
                user.application().appId()));
        if (result.isEmpty()) {
            exchange.sendEmpty(204);
            return;
        }
        FieldType type = target.action().returns().orElseThrow();
        ObjectNode answer = JSON.createObjectNode();
        answer.put("@odata.context", serviceRoot + "$metadata#Edm." + edmName(type));
        Object value = result.get();
        if (value instanceof BigDecimal decimal) {
            answer.put("value", decimal);
        } else if (value instanceof Long number) {
            answer.put("value", number);
        } else if (value instanceof Integer number) {
            answer.put("value", number);
        } else if (value instanceof Boolean flag) {
            answer.put("value", flag);
        } else {
            answer.put("value", value.toString());
        }
        exchange.send(200, "application/json; odata.metadata=minimal; charset=utf-8", JSON.writeValueAsBytes(answer));
    }

    private record Target(ActionDefinition action, Optional<EntityDefinition> entity, Optional<UUID> key) {}

    /** {@code /{set}({guid})/Microsoft.Dynamics.CRM.{Action}} or {@code /{Action}}. */
    private Target target(String rest) {
        int bound = rest.indexOf(boundPrefix);
        if (bound < 0) {
            ActionDefinition action = action(rest.substring(1));
            if (action.isBound()) {
                throw GatewayException.of(
                        ErrorCode.BAD_REQUEST,
                        "The action '%s' is bound to %s: call it on a record, POST <set>(<id>)%s%1$s.",
                        action.name(),
                        action.boundEntity().get(),
                        boundPrefix);
            }
            return new Target(action, Optional.empty(), Optional.empty());
        }
        String record = rest.substring(1, bound);
        ActionDefinition action = action(rest.substring(bound + boundPrefix.length()));
        int open = record.indexOf('(');
        if (open <= 0 || !record.endsWith(")")) {
            throw GatewayException.of(
                    ErrorCode.BAD_REQUEST,
                    "Call the bound action '%s' on one record: POST <set>(<id>)%s%1$s.",
                    action.name(),
                    boundPrefix);
        }
        String setName = record.substring(0, open);
        EntityDefinition entity = catalog.byEntitySet(setName)
                .filter(EntityDefinition::visible)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.ENTITY_SET_NOT_FOUND, "Resource not found for the segment '%s'.", shorten(setName)));
        if (action.boundEntity().filter(entity.logicalName()::equals).isEmpty()) {
            if (action.isBound()) {
                throw GatewayException.of(
                        ErrorCode.BAD_REQUEST,
                        "The action '%s' is bound to %s, not to %s.",
                        action.name(),
                        action.boundEntity().get(),
                        entity.logicalName());
            }
            throw GatewayException.of(
                    ErrorCode.BAD_REQUEST,
                    "The action '%s' is unbound: call it on the service root, not on a record of %s.",
                    action.name(),
                    entity.logicalName());
        }
        UUID key;
        try {
            String text = record.substring(open + 1, record.length() - 1);
            if (text.length() != 36) {
                throw new IllegalArgumentException();
            }
            key = UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw GatewayException.of(
                    ErrorCode.BAD_REQUEST,
                    "The key of %s must be a GUID, like %s(00000000-0000-0000-0000-000000000000).",
                    setName,
                    setName);
        }
        return new Target(action, Optional.of(entity), Optional.of(key));
    }

    /** Clients (Olingo's among them) may write an action call as {@code Name()}; the parentheses add nothing. */
    private static String withoutCallParentheses(String name) {
        return name.endsWith("()") ? name.substring(0, name.length() - 2) : name;
    }

    private ActionDefinition action(String segment) {
        String name = withoutCallParentheses(segment);
        return catalog.action(name)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.RESOURCE_NOT_FOUND, "The action '%s' does not exist.", shorten(name)));
    }

    private static String edmName(FieldType type) {
        return switch (type.kind()) {
            case STRING -> "String";
            case INT32 -> "Int32";
            case INT64 -> "Int64";
            case DECIMAL -> "Decimal";
            case DOUBLE -> "Double";
            case BOOLEAN -> "Boolean";
            case DATE -> "Date";
            case DATE_TIME_OFFSET -> "DateTimeOffset";
            case GUID -> "Guid";
            case ENUM -> type.optionSet().orElseThrow();
            case MULTI_ENUM -> "MultiEnum(" + type.optionSet().orElseThrow() + ")";
        };
    }

    private static String shorten(String text) {
        String clean = text.replaceAll("[^A-Za-z0-9_.\\-]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
    }
}
