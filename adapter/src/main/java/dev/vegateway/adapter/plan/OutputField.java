package dev.vegateway.adapter.plan;

import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.FieldDefinition;
import java.util.Optional;

/**
 * A field of the response. {@code selectIndex} is its position in the SELECT list, or -1 when
 * field security hides it (the response then carries null, as Dataverse does).
 *
 * @param relation the client's name of the joined relation it comes from (linked columns come
 *     back as {@code relation.attribute}); empty for the root
 * @param alias the name the client gave the column (FetchXML {@code attribute alias}): the
 *     property name in the answer, in place of the logical name and the relation's prefix
 */
public record OutputField(FieldDefinition field, int selectIndex, Optional<String> relation, Optional<String> alias) {
    public OutputField {
        requireNonNull(field, "field is null");
        requireNonNull(relation, "relation is null");
        requireNonNull(alias, "alias is null");
    }

    /** A field of a relation, without an alias. */
    public OutputField(FieldDefinition field, int selectIndex, Optional<String> relation) {
        this(field, selectIndex, relation, Optional.empty());
    }

    /** A field of the root relation. */
    public OutputField(FieldDefinition field, int selectIndex) {
        this(field, selectIndex, Optional.empty(), Optional.empty());
    }

    public boolean masked() {
        return selectIndex < 0;
    }

    /**
     * The property name in the response: the alias, or the logical name, prefixed by the relation's
     * name for a joined one.
     */
    public String name() {
        if (alias.isPresent()) {
            return alias.get();
        }
        return relation.map(name -> name + "." + field.logicalName()).orElse(field.logicalName());
    }
}
