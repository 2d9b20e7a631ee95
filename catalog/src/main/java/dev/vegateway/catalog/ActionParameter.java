package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

/** A parameter of an action; its type is one of the action types (see {@link ActionDefinition}). */
public record ActionParameter(String name, FieldType type, boolean required) {
    public ActionParameter {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        if (!ActionDefinition.isActionType(type)) {
            throw new IllegalArgumentException("parameter " + name + ": " + type + " is not an action type");
        }
    }
}
