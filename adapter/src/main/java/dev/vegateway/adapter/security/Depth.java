package dev.vegateway.adapter.security;

/**
 * How far a privilege reaches, in increasing order: no rows, the user's own rows (owner field =
 * user), the rows of the user's business unit, of the unit and its descendants, all rows.
 * Entities without owner or business-unit fields only know {@link #NONE} and {@link #GLOBAL}.
 */
public enum Depth {
    NONE,
    BASIC,
    LOCAL,
    DEEP,
    GLOBAL;

    /** The greater of the two: roles are cumulative, the greatest access prevails. */
    public Depth max(Depth other) {
        return compareTo(other) >= 0 ? this : other;
    }

    /** Whether this depth grants access to any row at all. */
    public boolean grantsAccess() {
        return this != NONE;
    }
}
