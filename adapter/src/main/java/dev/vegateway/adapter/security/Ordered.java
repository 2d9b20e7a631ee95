package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Unmodifiable copies that keep insertion order (unlike {@code Set.copyOf} and {@code Map.copyOf}). */
final class Ordered {
    private Ordered() {}

    static <T> Set<T> set(Collection<T> values) {
        values.forEach(value -> requireNonNull(value, "set element is null"));
        return Collections.unmodifiableSet(new LinkedHashSet<>(values));
    }

    static <K, V> Map<K, V> map(Map<K, V> values) {
        values.forEach((key, value) -> {
            requireNonNull(key, "map key is null");
            requireNonNull(value, "map value is null");
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
