package dev.vegateway.catalog;

/**
 * Who chooses the key of a new row. Written in the catalog as {@code generated} (the default),
 * {@code client} or {@code generatedOrClient}.
 */
public enum KeyStrategy {
    /** The gateway generates the key; a create that sends one is refused. */
    GENERATED("generated"),
    /** The client must send the key. */
    CLIENT("client"),
    /** The client may send the key; the gateway generates one when it does not. */
    GENERATED_OR_CLIENT("generatedOrClient");

    private final String catalogName;

    KeyStrategy(String catalogName) {
        this.catalogName = catalogName;
    }

    /** The spelling in the catalog file, e.g. {@code generatedOrClient}. */
    public String catalogName() {
        return catalogName;
    }

    /** Whether a create may carry the key, and so whether a PATCH of a missing row may create it (upsert). */
    public boolean clientMayChooseKey() {
        return switch (this) {
            case GENERATED -> false;
            case CLIENT, GENERATED_OR_CLIENT -> true;
        };
    }

    /** Whether a create must carry the key. */
    public boolean clientMustChooseKey() {
        return switch (this) {
            case GENERATED, GENERATED_OR_CLIENT -> false;
            case CLIENT -> true;
        };
    }
}
