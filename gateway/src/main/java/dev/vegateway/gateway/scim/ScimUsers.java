package dev.vegateway.gateway.scim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vegateway.adapter.security.DirectoryUserFields;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * SCIM User resources ↔ {@link DirectoryUserFields}. Attributes the gateway does not keep
 * (emails, phone numbers, the enterprise extension, …) are accepted and ignored, in a body and
 * in a PATCH alike, so that a directory's default attribute mappings work; {@code id} and
 * {@code meta} are read-only ({@code mutability}).
 */
final class ScimUsers {
    private ScimUsers() {}

    static DirectoryUserFields fields(JsonNode body) {
        requireSchema(body, ScimHandler.USER_SCHEMA);
        State state = new State();
        state.userName = text(body.get("userName"), "userName")
                .orElseThrow(() -> ScimException.invalidValue("userName is required"));
        state.externalId = externalId(body.get("externalId"));
        state.active = Optional.ofNullable(body.get("active"))
                .filter(node -> !node.isNull())
                .map(node -> bool(node, "active"))
                .orElse(true);
        state.displayName = text(body.get("displayName"), "displayName");
        JsonNode name = body.get("name");
        if (name != null && !name.isNull()) {
            if (!name.isObject()) {
                throw ScimException.invalidValue("name must be an object");
            }
            state.givenName = text(name.get("givenName"), "name.givenName");
            state.familyName = text(name.get("familyName"), "name.familyName");
        }
        return state.fields();
    }

    static DirectoryUserFields patch(DirectoryUserFields current, List<ScimPatch.Operation> operations) {
        State state = new State(current);
        for (ScimPatch.Operation operation : operations) {
            if (operation.attribute().isEmpty()) {
                Iterator<Map.Entry<String, JsonNode>> entries =
                        operation.value().orElseThrow().fields();
                while (entries.hasNext()) {
                    Map.Entry<String, JsonNode> entry = entries.next();
                    state.set(ScimAttributes.normalized(entry.getKey()), entry.getKey(), entry.getValue());
                }
                continue;
            }
            String attribute = operation.attribute().get();
            if (operation.filter().isPresent()) {
                requireWritable(attribute);
                continue; // a value path into a multi-valued attribute the gateway does not keep (emails[type eq
                // "work"])
            }
            switch (operation.kind()) {
                case ADD, REPLACE -> state.set(
                        attribute,
                        attribute,
                        operation
                                .value()
                                .orElseThrow(() -> ScimException.invalidValue(
                                        "the " + operation.kind().name().toLowerCase(Locale.ROOT) + " of " + attribute
                                                + " needs a value")));
                case REMOVE -> state.remove(attribute);
            }
        }
        return state.fields();
    }

    private static final class State {
        String userName = "";
        Optional<UUID> externalId = Optional.empty();
        boolean active = true;
        Optional<String> displayName = Optional.empty();
        Optional<String> givenName = Optional.empty();
        Optional<String> familyName = Optional.empty();

        State() {}

        State(DirectoryUserFields fields) {
            userName = fields.userName();
            externalId = fields.externalId();
            active = fields.active();
            displayName = fields.displayName();
            givenName = fields.givenName();
            familyName = fields.familyName();
        }

        void set(String attribute, String spelling, JsonNode value) {
            requireWritable(attribute);
            switch (attribute) {
                case "username" -> {
                    userName = text(value, "userName")
                            .orElseThrow(() -> ScimException.invalidValue("userName is required"));
                }
                case "externalid" -> externalId = externalId(value);
                case "active" -> active = bool(value, "active");
                case "displayname" -> displayName = text(value, "displayName");
                case "name.givenname" -> givenName = text(value, "name.givenName");
                case "name.familyname" -> familyName = text(value, "name.familyName");
                case "name" -> {
                    if (!value.isObject()) {
                        throw ScimException.invalidValue("name must be an object");
                    }
                    if (value.has("givenName")) {
                        givenName = text(value.get("givenName"), "name.givenName");
                    }
                    if (value.has("familyName")) {
                        familyName = text(value.get("familyName"), "name.familyName");
                    }
                }
                default -> {
                    // an attribute the gateway does not keep (see the class comment)
                }
            }
        }

        void remove(String attribute) {
            requireWritable(attribute);
            switch (attribute) {
                case "username" -> throw ScimException.invalidValue("userName is required; it cannot be removed");
                case "active" -> throw ScimException.invalidValue("active cannot be removed; replace it with false");
                case "externalid" -> externalId = Optional.empty();
                case "displayname" -> displayName = Optional.empty();
                case "name.givenname" -> givenName = Optional.empty();
                case "name.familyname" -> familyName = Optional.empty();
                case "name" -> {
                    givenName = Optional.empty();
                    familyName = Optional.empty();
                }
                default -> {
                    // an attribute the gateway does not keep
                }
            }
        }

        DirectoryUserFields fields() {
            return new DirectoryUserFields(userName, externalId, active, displayName, givenName, familyName);
        }
    }

    static void requireWritable(String attribute) {
        if (attribute.equals("id") || attribute.equals("meta") || attribute.startsWith("meta.")) {
            throw ScimException.badRequest("mutability", attribute + " is read-only");
        }
    }

    static void requireSchema(JsonNode body, String schema) {
        JsonNode schemas = body.get("schemas");
        if (schemas != null && schemas.isArray()) {
            for (JsonNode each : schemas) {
                if (each.isTextual() && each.asText().equals(schema)) {
                    return;
                }
            }
        }
        throw ScimException.invalidValue("schemas must list " + schema);
    }

    /** A string attribute; absent, null or empty is absent. */
    static Optional<String> text(JsonNode node, String attribute) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw ScimException.invalidValue(attribute + " must be a string");
        }
        return Optional.of(node.asText()).filter(text -> !text.isBlank());
    }

    /** A boolean; the strings "true" and "false" (any case) too, as Entra ID sends them in PATCH. */
    static boolean bool(JsonNode node, String attribute) {
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isTextual()) {
            String text = node.asText().toLowerCase(Locale.ROOT);
            if (text.equals("true") || text.equals("false")) {
                return text.equals("true");
            }
        }
        throw ScimException.invalidValue(attribute + " must be true or false");
    }

    private static Optional<UUID> externalId(JsonNode node) {
        Optional<String> text = text(node, "externalId");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(text.get().trim()));
        } catch (IllegalArgumentException e) {
            throw ScimException.invalidValue("externalId must be the user's directory object id (a GUID), was '"
                    + text.get() + "'; map objectId to externalId in the directory's attribute mappings");
        }
    }
}
