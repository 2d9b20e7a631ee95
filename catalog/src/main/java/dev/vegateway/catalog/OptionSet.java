package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An option set (enum): members with a name, the integer a client sees on the wire ({@code value},
 * Dataverse's option value), the integer the backend column stores ({@code stored}) and labels
 * per locale.
 */
public record OptionSet(String name, List<Member> members) {
    public OptionSet {
        requireNonNull(name, "name is null");
        members = List.copyOf(members);
    }

    /**
     * One option.
     *
     * @param value the option's value on the wire ({@code Edm.Int32})
     * @param labels locale → label
     * @param stored the value the backend column holds (the same as {@code value} unless the catalog says otherwise)
     */
    public record Member(String name, int value, Map<String, String> labels, int stored) {
        public Member {
            requireNonNull(name, "name is null");
            labels = Map.copyOf(labels);
        }
    }

    public Optional<Member> byName(String memberName) {
        return members.stream()
                .filter(member -> member.name().equals(memberName))
                .findFirst();
    }

    /** The member with this value on the wire. */
    public Optional<Member> byValue(int value) {
        return members.stream().filter(member -> member.value() == value).findFirst();
    }

    /** The member the backend stores as {@code stored}. */
    public Optional<Member> byStored(int stored) {
        return members.stream().filter(member -> member.stored() == stored).findFirst();
    }
}
