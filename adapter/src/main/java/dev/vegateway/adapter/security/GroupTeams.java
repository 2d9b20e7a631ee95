package dev.vegateway.adapter.security;

import dev.vegateway.adapter.security.SecurityDocument.GroupBinding;
import dev.vegateway.config.yaml.Problems;
import dev.vegateway.config.yaml.YamlNode;
import dev.vegateway.config.yaml.YamlReader;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads the group binding of a team in the security file: {@code type: Owner} (the default) or
 * {@code type: AadSecurityGroup} with {@code group: <directory group object id>} and
 * {@code inheritance: DirectBasicAccess} (the default) or {@code TeamPrivilegesOnly} (the team's roles
 * open only the team's rows and the team's business unit, see {@link Reach}).
 */
final class GroupTeams {
    static final String OWNER = "Owner";
    static final String AAD_SECURITY_GROUP = "AadSecurityGroup";

    private GroupTeams() {}

    static Optional<GroupBinding> binding(YamlNode team, YamlReader reader, Problems problems) {
        YamlNode typeNode = team.get("type");
        String type = reader.optionalString(typeNode).map(String::trim).orElse(OWNER);
        YamlNode groupNode = team.get("group");
        YamlNode inheritanceNode = team.get("inheritance");
        if (type.equals(OWNER)) {
            if (!groupNode.isAbsent()) {
                problems.add(groupNode, "only a team of type " + AAD_SECURITY_GROUP + " is bound to a group");
            }
            if (!inheritanceNode.isAbsent()) {
                problems.add(inheritanceNode, "only a team of type " + AAD_SECURITY_GROUP + " has an inheritance");
            }
            return Optional.empty();
        }
        if (!type.equals(AAD_SECURITY_GROUP)) {
            problems.add(typeNode, "must be " + OWNER + " or " + AAD_SECURITY_GROUP + ", was '" + type + "'");
            return Optional.empty();
        }
        if (groupNode.isAbsent()) {
            problems.add(
                    groupNode,
                    "is required for a team of type " + AAD_SECURITY_GROUP
                            + ": the directory group's object id (a GUID)");
            return Optional.empty();
        }
        Optional<UUID> group = reader.uuid(groupNode);
        String inheritance = reader.optionalString(inheritanceNode)
                .map(String::trim)
                .orElse(TeamInheritance.DIRECT_BASIC_ACCESS.documentName());
        Optional<TeamInheritance> chosen = java.util.Arrays.stream(TeamInheritance.values())
                .filter(value -> value.documentName().equals(inheritance))
                .findFirst();
        if (chosen.isEmpty()) {
            problems.add(
                    inheritanceNode,
                    "must be " + TeamInheritance.DIRECT_BASIC_ACCESS.documentName() + " or "
                            + TeamInheritance.TEAM_PRIVILEGES_ONLY.documentName() + ", was '" + inheritance + "'");
            return Optional.empty();
        }
        return group.map(id -> new GroupBinding(id, chosen.get()));
    }

    static TeamInheritance inheritance(String stored) {
        for (TeamInheritance value : TeamInheritance.values()) {
            if (value.documentName().equals(stored)) {
                return value;
            }
        }
        return TeamInheritance.DIRECT_BASIC_ACCESS;
    }
}
