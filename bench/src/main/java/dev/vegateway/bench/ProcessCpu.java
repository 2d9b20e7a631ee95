package dev.vegateway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time a process has used so far (user + system, all its threads), read from
 * {@code /proc/<pid>/stat} (Linux). The kernel counts in clock ticks of 1/100 s
 * ({@code CLK_TCK} is 100 on every Linux the JDK supports), so a figure is exact to 10 ms.
 */
final class ProcessCpu {
    static final long TICKS_PER_SECOND = 100;

    private ProcessCpu() {}

    static Duration of(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        String text;
        try {
            text = Files.readString(stat, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stat + " (is the process alive, is this Linux?)", e);
        }
        return parse(text);
    }

    /** utime and stime, fields 14 and 15 of {@code stat}; the command name (field 2) may hold spaces and parentheses. */
    static Duration parse(String stat) {
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        String[] fields = stat.substring(end + 1).strip().split(" ");
        // fields[0] is field 3 (state); utime is field 14, stime field 15.
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
    }
}
