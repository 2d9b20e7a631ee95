package dev.vegateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {
    @Test
    void userAndSystemTicksAreAddedAfterACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 61722 0 0 0 1234 56 0 0 20 0 42 0 100 0 0";

        assertThat(ProcessCpu.parse(stat)).isEqualTo(Duration.ofMillis((1234 + 56) * 10));
    }

    @Test
    void thisProcessHasUsedSomeCpu() {
        assertThat(ProcessCpu.of(ProcessHandle.current().pid())).isPositive();
    }
}
