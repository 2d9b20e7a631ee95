package dev.vegateway.gateway.scim;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vegateway.adapter.security.DirectoryGroup;
import dev.vegateway.adapter.security.DirectoryUser;
import dev.vegateway.adapter.security.DirectoryUserFields;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/** Renders SCIM resources and messages (RFC 7643), with locations under {@code base}. */
final class ScimResources {
    private final String base;

    ScimResources(String base) {
        this.base = requireNonNull(base, "base is null");
    }

    String userLocation(UUID id) {
        return base + "/Users/" + id;
    }

    String groupLocation(UUID id) {
        return base + "/Groups/" + id;
    }

    ObjectNode user(DirectoryUser user) {
        DirectoryUserFields fields = user.fields();
        ObjectNode node = ScimHandler.object();
        node.putArray("schemas").add(ScimHandler.USER_SCHEMA);
        node.put("id", user.id().toString());
        fields.externalId().ifPresent(id -> node.put("externalId", id.toString()));
        node.put("userName", fields.userName());
        if (fields.givenName().isPresent() || fields.familyName().isPresent()) {
            ObjectNode name = node.putObject("name");
            fields.givenName().ifPresent(value -> name.put("givenName", value));
            fields.familyName().ifPresent(value -> name.put("familyName", value));
        }
        fields.displayName().ifPresent(value -> node.put("displayName", value));
        node.put("active", fields.active());
        node.set("meta", meta("User", user.created(), user.lastModified(), userLocation(user.id())));
        return node;
    }

    ObjectNode group(DirectoryGroup group, boolean withMembers) {
        ObjectNode node = ScimHandler.object();
        node.putArray("schemas").add(ScimHandler.GROUP_SCHEMA);
        node.put("id", group.id().toString());
        group.fields().externalId().ifPresent(id -> node.put("externalId", id));
        node.put("displayName", group.fields().displayName());
        if (withMembers) {
            ArrayNode members = node.putArray("members");
            for (UUID member : group.fields().members()) {
                ObjectNode entry = members.addObject();
                entry.put("value", member.toString());
                entry.put("$ref", userLocation(member));
                entry.put("type", "User");
            }
        }
        node.set("meta", meta("Group", group.created(), group.lastModified(), groupLocation(group.id())));
        return node;
    }

    ObjectNode list(int totalResults, int startIndex, List<JsonNode> resources) {
        ObjectNode node = ScimHandler.object();
        node.putArray("schemas").add(ScimHandler.LIST_SCHEMA);
        node.put("totalResults", totalResults);
        node.put("startIndex", startIndex);
        node.put("itemsPerPage", resources.size());
        node.putArray("Resources").addAll(resources);
        return node;
    }

    ObjectNode serviceProviderConfig() {
        ObjectNode node = ScimHandler.object();
        node.putArray("schemas").add(ScimHandler.SERVICE_PROVIDER_CONFIG_SCHEMA);
        node.put("documentationUri", "https://github.com/vegateway/vegateway#provisioning-scim");
        node.putObject("patch").put("supported", true);
        node.putObject("bulk").put("supported", false).put("maxOperations", 0).put("maxPayloadSize", 0);
        node.putObject("filter").put("supported", true).put("maxResults", ScimHandler.MAXIMUM_COUNT);
        node.putObject("changePassword").put("supported", false);
        node.putObject("sort").put("supported", false);
        node.putObject("etag").put("supported", false);
        ObjectNode scheme = node.putArray("authenticationSchemes").addObject();
        scheme.put("type", "oauthbearertoken");
        scheme.put("name", "OAuth Bearer Token");
        scheme.put("description", "The S2S JWT of an application registered with kind provisioning");
        node.set("meta", meta("ServiceProviderConfig", null, null, base + "/ServiceProviderConfig"));
        return node;
    }

    private static ObjectNode meta(
            String resourceType, OffsetDateTime created, OffsetDateTime lastModified, String location) {
        ObjectNode meta = ScimHandler.object();
        meta.put("resourceType", resourceType);
        if (created != null) {
            meta.put("created", format(created));
            meta.put("lastModified", format(lastModified));
        }
        meta.put("location", location);
        return meta;
    }

    private static String format(OffsetDateTime time) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
