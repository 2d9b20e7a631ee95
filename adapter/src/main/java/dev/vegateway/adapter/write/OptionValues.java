package dev.vegateway.adapter.write;

import dev.vegateway.catalog.OptionSet;
import java.util.stream.Collectors;

/** How an error message lists the values of an option set: {@code 0 Normal, 1 Warning, 2 Blocked}. */
final class OptionValues {
    private static final int SHOWN = 20;

    private OptionValues() {}

    static String describe(OptionSet optionSet) {
        String shown = optionSet.members().stream()
                .limit(SHOWN)
                .map(member -> member.value() + " " + member.name())
                .collect(Collectors.joining(", "));
        return optionSet.members().size() > SHOWN ? shown + ", …" : shown;
    }
}
