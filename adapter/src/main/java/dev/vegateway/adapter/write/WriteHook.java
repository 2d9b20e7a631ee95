package dev.vegateway.adapter.write;

/**
 * Business logic around writes, found with {@link java.util.ServiceLoader} (list the
 * implementation in {@code META-INF/services/dev.vegateway.adapter.write.WriteHook}). Hooks run
 * inside the write's transaction, before and after the statement, in the order the service
 * loader finds them. A hook refuses a write by throwing {@link WriteRejected} (the client gets
 * 400 {@code 0x80040265} with its message, and nothing is written); a before-hook may set
 * fields with {@link WriteEvent#set}. Any other exception fails the write as an internal error.
 */
public interface WriteHook {
    default void beforeCreate(WriteEvent event) {}

    default void afterCreate(WriteEvent event) {}

    default void beforeUpdate(WriteEvent event) {}

    default void afterUpdate(WriteEvent event) {}

    default void beforeDelete(WriteEvent event) {}

    default void afterDelete(WriteEvent event) {}
}
