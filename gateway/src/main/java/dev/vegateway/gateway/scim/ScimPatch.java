package dev.vegateway.gateway.scim;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A SCIM PATCH request (RFC 7644 section 3.5.2): its operations, read strictly. */
final class ScimPatch {
    private ScimPatch() {}

    enum Kind {
        ADD,
        REPLACE,
        REMOVE
    }

    /**
     * One operation. {@code path} is the attribute (normalized: lower case, no schema URN), with the
     * filter of a value path ({@code members[value eq "…"]}) when there is one.
     */
    record Operation(Kind kind, Optional<String> attribute, Optional<ScimFilter> filter, Optional<JsonNode> value) {
        Operation {
            requireNonNull(kind, "kind is null");
            requireNonNull(attribute, "attribute is null");
            requireNonNull(filter, "filter is null");
            requireNonNull(value, "value is null");
        }
    }

    static List<Operation> operations(JsonNode body) {
        ScimUsers.requireSchema(body, ScimHandler.PATCH_SCHEMA);
        JsonNode operations = body.get("Operations");
        if (operations == null || !operations.isArray() || operations.isEmpty()) {
            throw ScimException.invalidValue("Operations must be a non-empty array of operations");
        }
        List<Operation> result = new ArrayList<>();
        for (JsonNode operation : operations) {
            if (!operation.isObject()) {
                throw ScimException.invalidValue("each of the Operations must be an object");
            }
            JsonNode op = operation.get("op");
            if (op == null || !op.isTextual()) {
                throw ScimException.invalidValue("each operation needs an op: add, replace or remove");
            }
            Kind kind =
                    switch (op.asText().toLowerCase(Locale.ROOT)) {
                        case "add" -> Kind.ADD;
                        case "replace" -> Kind.REPLACE;
                        case "remove" -> Kind.REMOVE;
                        default -> throw ScimException.invalidValue(
                                "op '" + op.asText() + "' is not a PATCH operation; use add, replace or remove");
                    };
            Optional<JsonNode> value =
                    Optional.ofNullable(operation.get("value")).filter(node -> !node.isNull());
            JsonNode path = operation.get("path");
            if (path == null
                    || path.isNull()
                    || (path.isTextual() && path.asText().isBlank())) {
                if (kind == Kind.REMOVE) {
                    throw ScimException.badRequest("noTarget", "a remove operation needs a path");
                }
                if (value.isEmpty() || !value.get().isObject()) {
                    throw ScimException.invalidValue("an " + kind.name().toLowerCase(Locale.ROOT)
                            + " operation without a path needs an object value");
                }
                result.add(new Operation(kind, Optional.empty(), Optional.empty(), value));
                continue;
            }
            if (!path.isTextual()) {
                throw ScimException.badRequest("invalidPath", "path must be a string");
            }
            String text = path.asText().trim();
            int bracket = text.indexOf('[');
            if (bracket < 0) {
                result.add(new Operation(kind, Optional.of(ScimAttributes.normalized(text)), Optional.empty(), value));
                continue;
            }
            int closing = text.lastIndexOf(']');
            String after = closing < 0 ? "" : text.substring(closing + 1);
            if (closing < bracket || !(after.isEmpty() || after.matches("\\.[A-Za-z][A-Za-z0-9_$-]*"))) {
                throw ScimException.badRequest(
                        "invalidPath",
                        "path '" + text + "': only value paths of the form attribute[filter] or"
                                + " attribute[filter].subAttribute are supported");
            }
            ScimFilter filter;
            try {
                filter = ScimFilter.parse(text.substring(bracket + 1, closing));
            } catch (ScimException e) {
                throw ScimException.badRequest("invalidPath", "path '" + text + "': " + e.getMessage());
            }
            result.add(new Operation(
                    kind,
                    Optional.of(ScimAttributes.normalized(text.substring(0, bracket) + after)),
                    Optional.of(filter),
                    value));
        }
        return result;
    }
}
