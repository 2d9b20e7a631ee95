package dev.vegateway.gateway.scim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vegateway.adapter.security.DirectoryGroupFields;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** SCIM Group resources ↔ {@link DirectoryGroupFields}: displayName, externalId, members (user ids). */
final class ScimGroups {
    private ScimGroups() {}

    static DirectoryGroupFields fields(JsonNode body, Function<String, UUID> userId) {
        ScimUsers.requireSchema(body, ScimHandler.GROUP_SCHEMA);
        String displayName = ScimUsers.text(body.get("displayName"), "displayName")
                .orElseThrow(() -> ScimException.invalidValue("displayName is required"));
        Optional<String> externalId = ScimUsers.text(body.get("externalId"), "externalId");
        List<UUID> members = body.has("members") ? members(body.get("members"), userId) : List.of();
        return new DirectoryGroupFields(displayName, externalId, members);
    }

    static DirectoryGroupFields patch(
            DirectoryGroupFields current, List<ScimPatch.Operation> operations, Function<String, UUID> userId) {
        String displayName = current.displayName();
        Optional<String> externalId = current.externalId();
        Set<UUID> members = new LinkedHashSet<>(current.members());
        for (ScimPatch.Operation operation : operations) {
            List<Map.Entry<String, JsonNode>> targets = new ArrayList<>();
            if (operation.attribute().isEmpty()) {
                Iterator<Map.Entry<String, JsonNode>> entries =
                        operation.value().orElseThrow().fields();
                entries.forEachRemaining(
                        entry -> targets.add(Map.entry(ScimAttributes.normalized(entry.getKey()), entry.getValue())));
            } else {
                targets.add(Map.entry(
                        operation.attribute().get(),
                        operation.value().orElse(ScimHandler.object().nullNode())));
            }
            for (Map.Entry<String, JsonNode> target : targets) {
                String attribute = target.getKey();
                JsonNode value = target.getValue();
                ScimUsers.requireWritable(attribute);
                if (operation.filter().isPresent()) {
                    if (!attribute.equals("members") || operation.kind() != ScimPatch.Kind.REMOVE) {
                        throw ScimException.badRequest(
                                "invalidPath",
                                "a value path is supported only to remove members (members[value eq \"…\"])");
                    }
                    members.removeAll(filteredMembers(operation.filter().get(), userId));
                    continue;
                }
                switch (attribute) {
                    case "displayname" -> {
                        if (operation.kind() == ScimPatch.Kind.REMOVE) {
                            throw ScimException.invalidValue("displayName is required; it cannot be removed");
                        }
                        displayName = ScimUsers.text(value, "displayName")
                                .orElseThrow(() -> ScimException.invalidValue("displayName is required"));
                    }
                    case "externalid" -> externalId = operation.kind() == ScimPatch.Kind.REMOVE
                            ? Optional.empty()
                            : ScimUsers.text(value, "externalId");
                    case "members" -> {
                        switch (operation.kind()) {
                            case ADD -> members.addAll(members(value, userId));
                            case REPLACE -> {
                                members.clear();
                                members.addAll(members(value, userId));
                            }
                            case REMOVE -> {
                                if (value.isNull() || value.isMissingNode()) {
                                    members.clear();
                                } else {
                                    members.removeAll(members(value, userId));
                                }
                            }
                        }
                    }
                    default -> throw ScimException.badRequest(
                            "invalidPath",
                            "'" + attribute.toLowerCase(Locale.ROOT)
                                    + "' is not an attribute of a group; groups have displayName, externalId and members");
                }
            }
        }
        return new DirectoryGroupFields(displayName, externalId, List.copyOf(members));
    }

    private static List<UUID> filteredMembers(ScimFilter filter, Function<String, UUID> userId) {
        List<UUID> ids = new ArrayList<>();
        for (ScimFilter.Comparison comparison : filter.comparisons()) {
            if (!comparison.attribute().equalsIgnoreCase("value")) {
                throw ScimException.badRequest(
                        "invalidPath", "members can be selected by value only (members[value eq \"…\"])");
            }
            ids.add(userId.apply(comparison.value()));
        }
        return ids;
    }

    /** {@code [{"value": "<user id>"}, …]} (a single object is accepted too). */
    private static List<UUID> members(JsonNode node, Function<String, UUID> userId) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<JsonNode> entries = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(entries::add);
        } else {
            entries.add(node);
        }
        List<UUID> ids = new ArrayList<>();
        for (JsonNode entry : entries) {
            JsonNode value = entry.isObject() ? entry.get("value") : null;
            if (value == null || !value.isTextual()) {
                throw ScimException.invalidValue(
                        "members must be objects with the user id as value: [{\"value\": \"…\"}]");
            }
            ids.add(userId.apply(value.asText()));
        }
        return ids;
    }
}
