package dev.vegateway.adapter.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.query.Condition.DateOperator;
import dev.vegateway.config.FiscalCalendar;
import java.time.Duration;
import java.time.Instant;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RelativeDatesTest {
    private static final Instant LATE_EVENING_UTC = Instant.parse("2024-08-15T23:30:00Z");

    @Test
    void daysBeginInTheCallersZone() {
        RelativeDates.Range utc = RelativeDates.range(DateOperator.TODAY, 0, LATE_EVENING_UTC, ZoneOffset.UTC);
        assertThat(utc.from()).contains(OffsetDateTime.parse("2024-08-15T00:00Z"));
        assertThat(utc.to()).contains(OffsetDateTime.parse("2024-08-16T00:00Z"));
        RelativeDates.Range tokyo =
                RelativeDates.range(DateOperator.TODAY, 0, LATE_EVENING_UTC, ZoneId.of("Asia/Tokyo"));
        assertThat(tokyo.from()).contains(OffsetDateTime.parse("2024-08-16T00:00+09:00"));
        assertThat(tokyo.to()).contains(OffsetDateTime.parse("2024-08-17T00:00+09:00"));
        RelativeDates.Range angeles =
                RelativeDates.range(DateOperator.YESTERDAY, 0, LATE_EVENING_UTC, ZoneId.of("America/Los_Angeles"));
        assertThat(angeles.from()).contains(OffsetDateTime.parse("2024-08-14T00:00-07:00"));
        assertThat(angeles.to()).contains(OffsetDateTime.parse("2024-08-15T00:00-07:00"));
    }

    @Test
    void weeksMonthsAndHoursFollowTheZone() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        // Friday 2024-08-16 in Tokyo: the week began on Sunday the 11th
        assertThat(RelativeDates.range(DateOperator.THIS_WEEK, 0, LATE_EVENING_UTC, tokyo)
                        .from())
                .contains(OffsetDateTime.parse("2024-08-11T00:00+09:00"));
        assertThat(RelativeDates.range(DateOperator.THIS_MONTH, 0, Instant.parse("2024-08-31T20:00:00Z"), tokyo)
                        .from())
                .as("already September in Tokyo")
                .contains(OffsetDateTime.parse("2024-09-01T00:00+09:00"));
        // a zone half an hour off the hour: the current hour begins at :00 of its own clock
        RelativeDates.Range kolkata = RelativeDates.range(
                DateOperator.LAST_X_HOURS, 1, Instant.parse("2024-08-15T23:10:00Z"), ZoneId.of("Asia/Kolkata"));
        assertThat(kolkata.from()).contains(OffsetDateTime.parse("2024-08-16T03:00+05:30"));
        assertThat(kolkata.to()).contains(OffsetDateTime.parse("2024-08-16T05:00+05:30"));
    }

    @Test
    void aDayOfADaylightSavingChangeIsShorter() {
        RelativeDates.Range day = RelativeDates.range(
                DateOperator.TODAY, 0, Instant.parse("2024-03-31T10:00:00Z"), ZoneId.of("Europe/Berlin"));
        assertThat(Duration.between(day.from().orElseThrow(), day.to().orElseThrow()))
                .isEqualTo(Duration.ofHours(23));
    }

    @Test
    void fiscalPeriodsBeginInTheCallersZone() {
        FiscalCalendar calendar = new FiscalCalendar(MonthDay.of(4, 1), FiscalCalendar.Period.QUARTERLY);
        Instant lastEveningOfJune = Instant.parse("2024-06-30T20:00:00Z");
        assertThat(RelativeDates.fiscalRange(
                                DateOperator.THIS_FISCAL_PERIOD, 0, 0, calendar, lastEveningOfJune, ZoneOffset.UTC)
                        .from())
                .contains(OffsetDateTime.parse("2024-04-01T00:00Z"));
        assertThat(RelativeDates.fiscalRange(
                                DateOperator.THIS_FISCAL_PERIOD,
                                0,
                                0,
                                calendar,
                                lastEveningOfJune,
                                ZoneId.of("Asia/Tokyo"))
                        .from())
                .as("already July 1st, the second quarter, in Tokyo")
                .contains(OffsetDateTime.parse("2024-07-01T00:00+09:00"));
    }
}
