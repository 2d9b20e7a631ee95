package dev.vegateway.gateway.http;

import java.util.Map;
import java.util.Optional;

/**
 * Windows language code identifiers (LCIDs), which Dataverse user settings and labels use, to the
 * language tags the catalog's labels are keyed by. Only the languages Dataverse offers most often;
 * an LCID not listed names no language (the request's {@code Accept-Language} decides instead).
 */
final class Lcids {
    private static final Map<Integer, String> TAGS = Map.ofEntries(
            Map.entry(1025, "ar-SA"),
            Map.entry(1028, "zh-TW"),
            Map.entry(1029, "cs-CZ"),
            Map.entry(1030, "da-DK"),
            Map.entry(1031, "de-DE"),
            Map.entry(1032, "el-GR"),
            Map.entry(1033, "en-US"),
            Map.entry(1035, "fi-FI"),
            Map.entry(1036, "fr-FR"),
            Map.entry(1037, "he-IL"),
            Map.entry(1038, "hu-HU"),
            Map.entry(1040, "it-IT"),
            Map.entry(1041, "ja-JP"),
            Map.entry(1042, "ko-KR"),
            Map.entry(1043, "nl-NL"),
            Map.entry(1044, "nb-NO"),
            Map.entry(1045, "pl-PL"),
            Map.entry(1046, "pt-BR"),
            Map.entry(1049, "ru-RU"),
            Map.entry(1053, "sv-SE"),
            Map.entry(1055, "tr-TR"),
            Map.entry(2052, "zh-CN"),
            Map.entry(2055, "de-CH"),
            Map.entry(2057, "en-GB"),
            Map.entry(2070, "pt-PT"),
            Map.entry(3079, "de-AT"),
            Map.entry(3082, "es-ES"),
            Map.entry(3084, "fr-CA"));

    private Lcids() {}

    /** The language tag of {@code lcid}, if it is one of the listed languages. */
    static Optional<String> tag(int lcid) {
        return Optional.ofNullable(TAGS.get(lcid));
    }
}
