package dev.vegateway.gateway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as a process (issue 9): SIGTERM stops it gracefully and it exits 0. Runs the
 * packaged jar ({@code vegateway demo} on free ports).
 */
class SignalIT {
    @TempDir
    Path folder;

    @Test
    void sigtermStopsTheGatewayGracefullyAndExitsZero() throws Exception {
        Path jar = Path.of("target", "vegateway.jar").toAbsolutePath();
        assertThat(jar).exists();
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar.toString(),
                        "demo",
                        "--data-dir=" + folder.resolve("demo"),
                        "--port=0",
                        "--admin-port=0")
                .redirectErrorStream(true)
                .start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (lines.stream().noneMatch(line -> line.startsWith("# Stop with Ctrl+C"))) {
                assertThat(process.isAlive()).as(String.join("\n", lines)).isTrue();
                assertThat(System.nanoTime()).as("the demo starts").isLessThan(deadline);
                Thread.sleep(100);
            }
            // SIGTERM, through the handle: Process.destroy() would also close the output this test reads
            assertThat(process.toHandle().destroy()).isTrue();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
            assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
            assertThat(lines).anyMatch(line -> line.contains("SIGTERM received: stopping gracefully"));
            assertThat(lines).anyMatch(line -> line.contains("Gateway - stopped"));
            assertThat(Files.exists(folder.resolve("demo").resolve("demo.mv.db")))
                    .isTrue();
        } finally {
            process.destroyForcibly();
        }
    }
}
