package dev.vegateway.adapter.security;

/**
 * How the roles of a group team apply to its members (Dataverse's "member's privilege
 * inheritance"): {@link #TEAM_PRIVILEGES_ONLY} opens the rows the team owns (Basic) and the
 * team's business unit (Local, Deep); {@link #DIRECT_BASIC_ACCESS} also opens, as if the role were
 * the member's own, the rows the member owns and the member's business unit.
 */
public enum TeamInheritance {
    TEAM_PRIVILEGES_ONLY("TeamPrivilegesOnly"),
    DIRECT_BASIC_ACCESS("DirectBasicAccess");

    private final String documentName;

    TeamInheritance(String documentName) {
        this.documentName = documentName;
    }

    /** As the security document writes it. */
    public String documentName() {
        return documentName;
    }
}
