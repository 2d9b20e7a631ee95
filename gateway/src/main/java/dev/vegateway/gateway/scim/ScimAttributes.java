package dev.vegateway.gateway.scim;

import dev.vegateway.adapter.security.DirectoryQuery.Attribute;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** SCIM attribute names (compared without regard to case, with or without their schema URN). */
final class ScimAttributes {
    private ScimAttributes() {}

    /** {@code urn:ietf:params:scim:schemas:core:2.0:User:userName} → {@code username}. */
    static String normalized(String path) {
        String name = path;
        for (String schema : List.of(ScimHandler.USER_SCHEMA, ScimHandler.GROUP_SCHEMA)) {
            if (name.regionMatches(true, 0, schema + ":", 0, schema.length() + 1)) {
                name = name.substring(schema.length() + 1);
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    static Optional<Attribute> filterAttribute(String path) {
        return switch (normalized(path)) {
            case "id" -> Optional.of(Attribute.ID);
            case "username" -> Optional.of(Attribute.USER_NAME);
            case "externalid" -> Optional.of(Attribute.EXTERNAL_ID);
            case "displayname" -> Optional.of(Attribute.DISPLAY_NAME);
            default -> Optional.empty();
        };
    }

    static String names(List<Attribute> attributes) {
        return attributes.stream().map(ScimAttributes::name).collect(Collectors.joining(", "));
    }

    static String name(Attribute attribute) {
        return switch (attribute) {
            case ID -> "id";
            case USER_NAME -> "userName";
            case EXTERNAL_ID -> "externalId";
            case DISPLAY_NAME -> "displayName";
        };
    }
}
