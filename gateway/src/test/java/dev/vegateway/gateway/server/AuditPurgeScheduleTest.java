package dev.vegateway.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuditPurgeScheduleTest {
    @Test
    void runsEvery24thOfTheRetentionBetweenAMinuteAndAnHour() {
        assertThat(AuditPurgeSchedule.interval(Duration.ofDays(90))).isEqualTo(Duration.ofHours(1));
        assertThat(AuditPurgeSchedule.interval(Duration.ofHours(12))).isEqualTo(Duration.ofMinutes(30));
        assertThat(AuditPurgeSchedule.interval(Duration.ofHours(1)))
                .isEqualTo(Duration.ofMinutes(2).plusSeconds(30));
        assertThat(AuditPurgeSchedule.interval(Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(1));
    }
}
