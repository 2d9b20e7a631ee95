package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An option set (enum): members with a name, a stored integer value and labels per locale. */
public record OptionSet(String name, List<Member> members) {
    public OptionSet {
        requireNonNull(name, "name is null");
        members = List.copyOf(members);
    }

    public record Member(String name, int value, Map<String, String> labels) {
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

    public Optional<Member> byValue(int value) {
        return members.stream().filter(member -> member.value() == value).findFirst();
    }
}
