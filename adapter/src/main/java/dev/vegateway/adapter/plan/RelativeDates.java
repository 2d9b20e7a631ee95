package dev.vegateway.adapter.plan;

import dev.vegateway.adapter.query.Condition.DateOperator;
import dev.vegateway.config.FiscalCalendar;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;

/**
 * The range a relative date operator means at a given moment, in the caller's time zone (UTC for a
 * caller without one): {@code [from, to)}, each end at that zone's offset, either
 * end open-ended where the operator has none. Day-grained operators give whole days (midnight to
 * midnight), as Dataverse's; hour- and minute-grained ones exact instants. Weeks start on Sunday,
 * as in Dataverse's default (en-US) format. The {@code Last…}/{@code Next…} operators count
 * today (or this hour) in: {@code LastXDays(3)} is the three days before today and today,
 * {@code NextXDays(3)} today and the three days after.
 */
final class RelativeDates {
    private RelativeDates() {}

    /** A half-open range of instants; an absent end is unbounded. */
    record Range(Optional<OffsetDateTime> from, Optional<OffsetDateTime> to) {}

    static Range range(DateOperator operator, long amount, Instant now, ZoneId zone) {
        OffsetDateTime moment = now.atZone(zone).toOffsetDateTime();
        LocalDate today = moment.toLocalDate();
        Days days = new Days(zone);
        LocalDate weekStart = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY));
        LocalDate monthStart = today.withDayOfMonth(1);
        LocalDate yearStart = today.withDayOfYear(1);
        OffsetDateTime hour = now.atZone(zone)
                .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                .toOffsetDateTime();
        return switch (operator) {
            case YESTERDAY -> days.apply(today.minusDays(1), today);
            case TODAY -> days.apply(today, today.plusDays(1));
            case TOMORROW -> days.apply(today.plusDays(1), today.plusDays(2));
            case LAST_7_DAYS -> days.apply(today.minusDays(7), today.plusDays(1));
            case NEXT_7_DAYS -> days.apply(today, today.plusDays(8));
            case LAST_WEEK -> days.apply(weekStart.minusWeeks(1), weekStart);
            case THIS_WEEK -> days.apply(weekStart, weekStart.plusWeeks(1));
            case NEXT_WEEK -> days.apply(weekStart.plusWeeks(1), weekStart.plusWeeks(2));
            case LAST_MONTH -> days.apply(monthStart.minusMonths(1), monthStart);
            case THIS_MONTH -> days.apply(monthStart, monthStart.plusMonths(1));
            case NEXT_MONTH -> days.apply(monthStart.plusMonths(1), monthStart.plusMonths(2));
            case LAST_YEAR -> days.apply(yearStart.minusYears(1), yearStart);
            case THIS_YEAR -> days.apply(yearStart, yearStart.plusYears(1));
            case NEXT_YEAR -> days.apply(yearStart.plusYears(1), yearStart.plusYears(2));
            case LAST_X_HOURS -> new Range(Optional.of(hour.minusHours(amount)), Optional.of(hour.plusHours(1)));
            case NEXT_X_HOURS -> new Range(Optional.of(hour), Optional.of(hour.plusHours(amount + 1)));
            case LAST_X_DAYS -> days.apply(today.minusDays(amount), today.plusDays(1));
            case NEXT_X_DAYS -> days.apply(today, today.plusDays(amount + 1));
            case LAST_X_WEEKS -> days.apply(today.minusWeeks(amount), today.plusDays(1));
            case NEXT_X_WEEKS -> days.apply(today, today.plusWeeks(amount).plusDays(1));
            case LAST_X_MONTHS -> days.apply(today.minusMonths(amount), today.plusDays(1));
            case NEXT_X_MONTHS -> days.apply(today, today.plusMonths(amount).plusDays(1));
            case LAST_X_YEARS -> days.apply(today.minusYears(amount), today.plusDays(1));
            case NEXT_X_YEARS -> days.apply(today, today.plusYears(amount).plusDays(1));
            case OLDER_THAN_X_MINUTES -> before(moment.minusMinutes(amount));
            case OLDER_THAN_X_HOURS -> before(moment.minusHours(amount));
            case OLDER_THAN_X_DAYS -> before(days.start(today.minusDays(amount)));
            case OLDER_THAN_X_WEEKS -> before(days.start(today.minusWeeks(amount)));
            case OLDER_THAN_X_MONTHS -> before(days.start(today.minusMonths(amount)));
            case OLDER_THAN_X_YEARS -> before(days.start(today.minusYears(amount)));
            case THIS_FISCAL_YEAR,
                    THIS_FISCAL_PERIOD,
                    NEXT_FISCAL_YEAR,
                    NEXT_FISCAL_PERIOD,
                    LAST_FISCAL_YEAR,
                    LAST_FISCAL_PERIOD,
                    LAST_X_FISCAL_YEARS,
                    LAST_X_FISCAL_PERIODS,
                    NEXT_X_FISCAL_YEARS,
                    NEXT_X_FISCAL_PERIODS,
                    IN_FISCAL_YEAR,
                    IN_FISCAL_PERIOD,
                    IN_FISCAL_PERIOD_AND_YEAR,
                    IN_OR_BEFORE_FISCAL_PERIOD_AND_YEAR,
                    IN_OR_AFTER_FISCAL_PERIOD_AND_YEAR -> throw new IllegalArgumentException(
                    operator + " needs the fiscal calendar (fiscalRange)");
        };
    }

    /**
     * The range a fiscal operator means at {@code now} in {@code zone} and {@code calendar}: whole fiscal years
     * or periods. {@code Last…}/{@code Next…} count whole periods before or after the current one,
     * which they leave out ({@code LastXFiscalPeriods 2}: the two periods before this one).
     *
     * @param amount the X, the year of {@code InFiscalYear}, or the period of the {@code …PeriodAndYear} operators
     * @param year the year of the {@code …PeriodAndYear} operators
     */
    static Range fiscalRange(
            DateOperator operator, long amount, long year, FiscalCalendar calendar, Instant now, ZoneId zone) {
        LocalDate today = now.atZone(zone).toLocalDate();
        Days days = new Days(zone);
        int fiscalYear = calendar.fiscalYear(today);
        int period = calendar.fiscalPeriod(today);
        return switch (operator) {
            case THIS_FISCAL_YEAR -> days.years(calendar, fiscalYear, fiscalYear + 1L);
            case LAST_FISCAL_YEAR -> days.years(calendar, fiscalYear - 1L, fiscalYear);
            case NEXT_FISCAL_YEAR -> days.years(calendar, fiscalYear + 1L, fiscalYear + 2L);
            case LAST_X_FISCAL_YEARS -> days.years(calendar, fiscalYear - amount, fiscalYear);
            case NEXT_X_FISCAL_YEARS -> days.years(calendar, fiscalYear + 1L, fiscalYear + 1L + amount);
            case THIS_FISCAL_PERIOD -> days.apply(
                    calendar.periodStart(fiscalYear, period), calendar.periodStart(fiscalYear, period + 1L));
            case LAST_FISCAL_PERIOD -> days.apply(
                    calendar.periodStart(fiscalYear, period - 1L), calendar.periodStart(fiscalYear, period));
            case NEXT_FISCAL_PERIOD -> days.apply(
                    calendar.periodStart(fiscalYear, period + 1L), calendar.periodStart(fiscalYear, period + 2L));
            case LAST_X_FISCAL_PERIODS -> days.apply(
                    calendar.periodStart(fiscalYear, period - amount), calendar.periodStart(fiscalYear, period));
            case NEXT_X_FISCAL_PERIODS -> days.apply(
                    calendar.periodStart(fiscalYear, period + 1L),
                    calendar.periodStart(fiscalYear, period + 1L + amount));
            case IN_FISCAL_YEAR -> days.years(calendar, amount, amount + 1);
            case IN_FISCAL_PERIOD_AND_YEAR -> days.apply(
                    calendar.periodStart((int) year, amount), calendar.periodStart((int) year, amount + 1));
            case IN_OR_BEFORE_FISCAL_PERIOD_AND_YEAR -> before(
                    days.start(calendar.periodStart((int) year, amount + 1)));
            case IN_OR_AFTER_FISCAL_PERIOD_AND_YEAR -> new Range(
                    Optional.of(days.start(calendar.periodStart((int) year, amount))), Optional.empty());
            default -> throw new IllegalArgumentException(operator + " is not a fiscal range");
        };
    }

    private static Range before(OffsetDateTime to) {
        return new Range(Optional.empty(), Optional.of(to));
    }

    /** Whole days in one zone: each begins at that zone's start of the day (not always midnight, on a DST change). */
    private record Days(ZoneId zone) {
        Range apply(LocalDate from, LocalDate to) {
            return new Range(Optional.of(start(from)), Optional.of(start(to)));
        }

        Range years(FiscalCalendar calendar, long from, long to) {
            return apply(calendar.yearStart((int) from), calendar.yearStart((int) to));
        }

        OffsetDateTime start(LocalDate day) {
            return day.atStartOfDay(zone).toOffsetDateTime();
        }
    }
}
