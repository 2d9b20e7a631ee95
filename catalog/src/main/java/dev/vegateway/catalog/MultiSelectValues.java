package dev.vegateway.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The stored and the wire form of a multi-select option set ({@code MultiEnum(set)}). The backend
 * column holds the chosen members' stored values as comma-separated integers, ascending, without
 * spaces ({@code "1,3"}); clients see the options' values the same way ({@code "100000001,100000003"}),
 * as Dataverse's Web API serves a multi-select column, and its formatted value is the labels joined
 * with {@code "; "}.
 */
public final class MultiSelectValues {
    /** Dataverse lets a multi-select column hold at most 150 options. */
    public static final int MAXIMUM_SELECTED = 150;

    private MultiSelectValues() {}

    /** The integers of a stored list; an item that is not an integer is skipped (the column is the backend's). */
    public static List<Integer> items(String list) {
        List<Integer> items = new ArrayList<>();
        for (String item : list.split(",", -1)) {
            String trimmed = item.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            try {
                items.add(Integer.parseInt(trimmed));
            } catch (NumberFormatException e) {
                // not a value of the set: nothing to show for it
            }
        }
        return items;
    }

    /** The members of a stored list, as the set has them (a stored value the set does not know is left out). */
    public static List<OptionSet.Member> members(String storedList, OptionSet set) {
        return items(storedList).stream()
                .map(set::byStored)
                .flatMap(Optional::stream)
                .toList();
    }

    /** The wire form of a stored list: each stored value as its option's value (unknown ones as stored). */
    public static String toWire(String storedList, OptionSet set) {
        return items(storedList).stream()
                .map(stored -> String.valueOf(
                        set.byStored(stored).map(OptionSet.Member::value).orElse(stored)))
                .collect(Collectors.joining(","));
    }

    /** The stored form of chosen members: their stored values, distinct and ascending, comma-separated. */
    public static String toStored(List<OptionSet.Member> members) {
        return members.stream()
                .map(OptionSet.Member::stored)
                .distinct()
                .sorted()
                .map(String::valueOf)
                .collect(Collectors.joining(","));
    }
}
