package dev.vegateway.gateway.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.vegateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code logging.*} to the process's Logback: the root level, single loggers' levels, and
 * the line format (Logback's text pattern of {@code logback.xml}, or its JSON encoder: one object
 * per line with the request id, application, user and entity set of the request it belongs to).
 * Logging is the process's: only {@code serve} applies it, once, at start.
 */
public final class LogSetup {
    private LogSetup() {}

    public static void apply(GatewayConfig.Logging logging) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J backend on the class path: it keeps its own configuration
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(logging.level(), Level.INFO));
        logging.levels().forEach((name, level) -> context.getLogger(name).setLevel(Level.toLevel(level, Level.INFO)));
        if (logging.format() == GatewayConfig.LogFormat.JSON) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(context);
            encoder.start();
            ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
            appender.setContext(context);
            appender.setName("STDERR_JSON");
            appender.setTarget("System.err");
            appender.setEncoder(encoder);
            appender.start();
            root.detachAndStopAllAppenders();
            root.addAppender(appender);
        }
    }
}
