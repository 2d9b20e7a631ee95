package dev.vegateway.adapter.security;

import dev.vegateway.adapter.security.SecurityDocument.Application;
import dev.vegateway.adapter.security.SecurityDocument.BusinessUnit;
import dev.vegateway.adapter.security.SecurityDocument.EntityPrivileges;
import dev.vegateway.adapter.security.SecurityDocument.FieldSecurity;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import dev.vegateway.adapter.security.SecurityDocument.Role;
import dev.vegateway.adapter.security.SecurityDocument.RoleAssignment;
import dev.vegateway.adapter.security.SecurityDocument.RowFilter;
import dev.vegateway.adapter.security.SecurityDocument.Team;
import dev.vegateway.adapter.security.SecurityDocument.User;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a {@link SecurityDocument} in the security file format: block style for the sections
 * and their entries, flow style for short entries, every scalar quoted where plain YAML could
 * read it as something else. Defaults are left out, so that a written file reads like a
 * hand-written one and parses back to an equal document.
 */
final class SecurityDocumentWriter {
    /** Text that stays text when written plain, also inside flow collections. */
    private static final Pattern PLAIN = Pattern.compile("[\\p{L}\\p{N}_][\\p{L}\\p{N}_ .\\-/@()+]*");
    /** Plain scalars a YAML 1.1 reader would resolve to null, a boolean, a number or a date. */
    private static final Pattern NOT_TEXT = Pattern.compile("(?i)null|~|true|false|yes|no|on|off|y|n"
            + "|[-+]?(0|[1-9][0-9_]*)(\\.[0-9_]*)?([eE][-+]?[0-9]+)?|[-+]?\\.[0-9_]+([eE][-+]?[0-9]+)?"
            + "|[-+]?0[0-7_]+|[-+]?0x[0-9a-f_]+|[-+]?0b[01_]+|[-+]?\\.(inf|nan)|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*");

    private final StringBuilder out = new StringBuilder();

    private SecurityDocumentWriter() {}

    static String write(SecurityDocument document) {
        return new SecurityDocumentWriter().document(document).out.toString();
    }

    private SecurityDocumentWriter document(SecurityDocument document) {
        line(0, "# VE Gateway security data");
        line(0, "businessUnits:" + (document.businessUnits().isEmpty() ? " []" : ""));
        for (BusinessUnit unit : document.businessUnits()) {
            List<String> entries = new ArrayList<>();
            entries.add(entry("name", unit.name()));
            unit.parent().ifPresent(parent -> entries.add(entry("parent", parent)));
            if (!unit.id().equals(BusinessUnit.idFor(unit.name()))) {
                entries.add(entry("id", unit.id().toString()));
            }
            line(1, "- " + flowMapping(entries));
        }
        line(0, "companies: " + flowSequence(document.companies()));
        line(0, "roles:" + (document.roles().isEmpty() ? " []" : ""));
        document.roles().forEach(this::role);
        line(0, "users:" + (document.users().isEmpty() ? " []" : ""));
        document.users().forEach(this::user);
        line(0, "teams:" + (document.teams().isEmpty() ? " []" : ""));
        document.teams().forEach(this::team);
        line(0, "applications:" + (document.applications().isEmpty() ? " []" : ""));
        document.applications().forEach(this::application);
        line(0, "portal:");
        document.portal().anonymousUser().ifPresent(user -> line(1, entry("anonymousUser", user.toString())));
        line(1, "mappings:" + (document.portal().mappings().isEmpty() ? " []" : ""));
        for (PortalMapping mapping : document.portal().mappings()) {
            List<String> entries = new ArrayList<>();
            entries.add(entry("contactId", mapping.contactId().toString()));
            entries.add(entry("user", mapping.user().toString()));
            mapping.company().ifPresent(company -> entries.add(entry("company", company)));
            line(2, "- " + flowMapping(entries));
        }
        return this;
    }

    private void role(Role role) {
        line(1, "- " + entry("name", role.name()));
        if (!role.privileges().isEmpty()) {
            line(2, "privileges:");
            for (EntityPrivileges privileges : role.privileges()) {
                List<String> entries = new ArrayList<>();
                entries.add(entry("entity", privileges.entity()));
                for (Map.Entry<Privilege, Depth> depth : privileges.depths().entrySet()) {
                    if (depth.getValue() != Depth.NONE) {
                        entries.add(entry(
                                SecurityDocumentParser.PRIVILEGE_KEYS.get(depth.getKey()),
                                SecurityDocumentParser.displayName(depth.getValue())));
                    }
                }
                line(3, "- " + flowMapping(entries));
            }
        }
        if (!role.actions().isEmpty()) {
            line(2, "actions: " + flowSequence(role.actions()));
        }
        if (!role.rowFilters().isEmpty()) {
            line(2, "rowFilters:");
            for (RowFilter filter : role.rowFilters()) {
                line(
                        3,
                        "- "
                                + flowMapping(
                                        List.of(entry("entity", filter.entity()), entry("filter", filter.filter()))));
            }
        }
        if (!role.fieldSecurity().isEmpty()) {
            line(2, "fieldSecurity:");
            for (FieldSecurity field : role.fieldSecurity()) {
                List<String> entries =
                        new ArrayList<>(List.of(entry("entity", field.entity()), entry("field", field.field())));
                if (!field.read()) {
                    entries.add("read: false");
                }
                if (field.create() != field.update()) {
                    entries.add("create: " + field.create());
                }
                if (!field.update()) {
                    entries.add("update: false");
                }
                line(3, "- " + flowMapping(entries));
            }
        }
    }

    private void user(User user) {
        line(1, "- " + entry("id", user.id().toString()));
        line(2, entry("name", user.name()));
        user.entraObjectId().ifPresent(objectId -> line(2, entry("entraObjectId", objectId.toString())));
        if (!user.enabled()) {
            line(2, "enabled: false");
        }
        if (user.accessMode() != AccessMode.READ_WRITE) {
            line(
                    2,
                    "accessMode: "
                            + SecurityDocumentParser.spelling(SecurityDocumentParser.ACCESS_MODES, user.accessMode()));
        }
        if (user.kind() != UserKind.PERSON) {
            line(2, "kind: " + SecurityDocumentParser.spelling(SecurityDocumentParser.USER_KINDS, user.kind()));
        }
        user.businessUnit().ifPresent(unit -> line(2, entry("businessUnit", unit)));
        if (!user.attributes().isEmpty()) {
            List<String> entries = new ArrayList<>();
            user.attributes().forEach((name, value) -> entries.add(entry(name, value)));
            line(2, "attributes: " + flowMapping(entries));
        }
        assignments(user.roles());
        user.settings().manager().ifPresent(manager -> line(2, entry("manager", manager.toString())));
        user.settings().language().ifPresent(language -> line(2, "language: " + language));
        user.settings().timeZone().ifPresent(zone -> line(2, entry("timeZone", zone.getId())));
    }

    private void team(Team team) {
        line(1, "- " + entry("name", team.name()));
        if (!team.id().equals(Team.idFor(team.name()))) {
            line(2, entry("id", team.id().toString()));
        }
        line(2, entry("businessUnit", team.businessUnit()));
        team.group().ifPresent(group -> {
            line(2, entry("type", GroupTeams.AAD_SECURITY_GROUP));
            line(2, entry("group", group.groupObjectId().toString()));
            line(2, entry("inheritance", group.inheritance().documentName()));
        });
        assignments(team.roles());
        if (!team.members().isEmpty()) {
            line(2, "members:");
            team.members().forEach(member -> line(3, "- " + member));
        }
    }

    private void application(Application application) {
        line(1, "- " + entry("appId", application.appId()));
        line(2, entry("name", application.name()));
        line(
                2,
                "kind: "
                        + SecurityDocumentParser.spelling(
                                SecurityDocumentParser.APPLICATION_KINDS, application.kind()));
        line(2, "enabled: " + application.enabled());
        assignments(application.roles());
    }

    private void assignments(List<RoleAssignment> assignments) {
        if (assignments.isEmpty()) {
            return;
        }
        line(2, "roles:");
        for (RoleAssignment assignment : assignments) {
            if (assignment.companies().isEmpty() && assignment.businessUnit().isEmpty()) {
                line(3, "- " + scalar(assignment.role()));
            } else {
                List<String> entries = new ArrayList<>();
                entries.add(entry("role", assignment.role()));
                assignment.companies().ifPresent(companies -> entries.add("companies: " + flowSequence(companies)));
                assignment.businessUnit().ifPresent(unit -> entries.add(entry("businessUnit", unit)));
                line(3, "- " + flowMapping(entries));
            }
        }
    }

    private void line(int indent, String text) {
        out.append("  ".repeat(indent)).append(text).append('\n');
    }

    private static String entry(String key, String value) {
        return scalar(key) + ": " + scalar(value);
    }

    private static String flowMapping(List<String> entries) {
        return "{ " + String.join(", ", entries) + " }";
    }

    private static String flowSequence(Collection<String> values) {
        List<String> scalars = new ArrayList<>();
        values.forEach(value -> scalars.add(scalar(value)));
        return "[" + String.join(", ", scalars) + "]";
    }

    /** The value plain when that reads back as the same text, else double-quoted with escapes. */
    static String scalar(String value) {
        if (PLAIN.matcher(value).matches()
                && !value.endsWith(" ")
                && !NOT_TEXT.matcher(value).matches()) {
            return value;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (int index = 0; index < value.length(); index++) {
            char character = value.charAt(index);
            switch (character) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '\r' -> quoted.append("\\r");
                default -> {
                    if (character < 0x20
                            || (character >= 0x7f && character <= 0x9f)
                            || character == '\u2028'
                            || character == '\u2029'
                            || character == '\ufeff') {
                        quoted.append(String.format("\\u%04x", (int) character));
                    } else {
                        quoted.append(character);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
