package dev.vegateway.gateway.it;

import dev.vegateway.adapter.write.WriteEvent;
import dev.vegateway.adapter.write.WriteHook;
import dev.vegateway.adapter.write.WriteRejected;
import java.util.Locale;

/**
 * A write hook on the test class path, found by the gateway with ServiceLoader: it refuses
 * customers named {@code HOOK-REJECT…} and upper-cases the names of customers named {@code hook-…}.
 * Other writes pass untouched.
 */
public final class CustomerNameHook implements WriteHook {
    @Override
    public void beforeCreate(WriteEvent event) {
        if (!event.entityLogicalName().equals("mserp_custcustomerv3entity")) {
            return;
        }
        String name = (String) event.value("mserp_name").orElse("");
        if (name.startsWith("HOOK-REJECT")) {
            throw new WriteRejected("Customer names starting with HOOK-REJECT are refused by the test hook.");
        }
        if (name.startsWith("hook-")) {
            event.set("mserp_name", name.toUpperCase(Locale.ROOT));
        }
    }
}
