package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A property of the calling user in a role's row filter ({@code @user.id}), known only when a
 * query runs. The planner replaces every placeholder with a {@link Literal} of the caller's
 * value before it resolves the filter, so a placeholder never reaches SQL and its value is
 * always a bind parameter.
 *
 * <p>{@link #USER_COMPANIES} is a list: it appears only as {@code Comparison(operand, EQUAL,
 * @user.companies)}, read "the operand equals one of the caller's companies" (the parse of
 * {@code operand in @user.companies}), which the planner expands into an {@link Condition.In}.
 *
 * @param name the name as written after {@code @}, such as {@code user.id}
 */
public record Placeholder(String name) implements Operand {
    /** {@code @user.id}: the caller's backend user id (Guid). */
    public static final Placeholder USER_ID = new Placeholder("user.id");
    /** {@code @user.businessUnit}: the id of the caller's business unit (Guid). */
    public static final Placeholder USER_BUSINESS_UNIT = new Placeholder("user.businessUnit");
    /** {@code @user.companies}: the companies the caller holds a role in (a list of text). */
    public static final Placeholder USER_COMPANIES = new Placeholder("user.companies");
    /** The ids of the teams the caller is a member of (a list of Guid; EqualUserTeams). */
    public static final Placeholder USER_TEAMS = new Placeholder("user.teams");
    /** The caller's own id and the ids of its teams (a list of Guid; EqualUserOrUserTeams). */
    public static final Placeholder USER_OR_USER_TEAMS = new Placeholder("user.idOrTeams");
    /** The caller's id and the ids of every user under it in the manager hierarchy (a list of Guid; EqualUserOrUserHierarchy). */
    public static final Placeholder USER_OR_USER_HIERARCHY = new Placeholder("user.idOrHierarchy");
    /** Those users and the teams each of them is a member of (a list of Guid; EqualUserOrUserHierarchyAndTeams). */
    public static final Placeholder USER_OR_USER_HIERARCHY_AND_TEAMS = new Placeholder("user.idOrHierarchyAndTeams");
    /** The caller's language setting, an LCID (Int32; EqualUserLanguage); no value when the user has none. */
    public static final Placeholder USER_LANGUAGE = new Placeholder("user.language");

    private static final String USER_ATTRIBUTE_PREFIX = "user.attributes.";

    public Placeholder {
        requireNonNull(name, "name is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("placeholder name is blank");
        }
    }

    /** {@code @user.attributes.<attribute>}: a custom attribute of the caller (String). */
    public static Placeholder userAttribute(String attribute) {
        requireNonNull(attribute, "attribute is null");
        if (attribute.isEmpty()) {
            throw new IllegalArgumentException("attribute name is empty");
        }
        return new Placeholder(USER_ATTRIBUTE_PREFIX + attribute);
    }

    /** The attribute name when this is {@code @user.attributes.<attribute>}. */
    public Optional<String> userAttribute() {
        return name.startsWith(USER_ATTRIBUTE_PREFIX) && name.length() > USER_ATTRIBUTE_PREFIX.length()
                ? Optional.of(name.substring(USER_ATTRIBUTE_PREFIX.length()))
                : Optional.empty();
    }

    /** Whether this placeholder stands for a list of values rather than one value. */
    public boolean isList() {
        return equals(USER_COMPANIES)
                || equals(USER_TEAMS)
                || equals(USER_OR_USER_TEAMS)
                || equals(USER_OR_USER_HIERARCHY)
                || equals(USER_OR_USER_HIERARCHY_AND_TEAMS);
    }

    /** As written in a row filter: {@code @user.id}. */
    @Override
    public String toString() {
        return "@" + name;
    }
}
