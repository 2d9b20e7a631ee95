package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A list request of the directory: every condition must hold (SCIM {@code eq} joined by
 * {@code and}); {@code startIndex} is 1-based, {@code count} at most that many resources.
 */
public record DirectoryQuery(List<Condition> conditions, int startIndex, int count) {
    public DirectoryQuery {
        conditions = List.copyOf(requireNonNull(conditions, "conditions is null"));
        if (startIndex < 1) {
            throw new IllegalArgumentException("startIndex must be at least 1, was " + startIndex);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
    }

    /** The attributes a list may be filtered on. */
    public enum Attribute {
        ID,
        USER_NAME,
        EXTERNAL_ID,
        DISPLAY_NAME
    }

    /** {@code attribute eq value}; user names compare without regard to case (SCIM's caseExact false). */
    public record Condition(Attribute attribute, String value) {
        public Condition {
            requireNonNull(attribute, "attribute is null");
            requireNonNull(value, "value is null");
        }
    }

    /** One page of a list and how many match in all. */
    public record Page<T>(int totalResults, int startIndex, List<T> resources) {
        public Page {
            resources = List.copyOf(requireNonNull(resources, "resources is null"));
        }
    }
}
