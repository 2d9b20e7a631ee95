package dev.vegateway.config;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.time.MonthDay;

/**
 * The organisation's fiscal calendar ({@code query.fiscalYearStart}, {@code query.fiscalPeriod}):
 * a fiscal year starts every year on {@code yearStart} and is cut into periods of equal months.
 * A fiscal year is named by the calendar year it starts in (one starting 2024-04-01 is fiscal
 * year 2024). The start day is at most the 28th, so that every period starts on the same day of
 * its month.
 */
public record FiscalCalendar(MonthDay yearStart, Period period) {
    public FiscalCalendar {
        requireNonNull(yearStart, "yearStart is null");
        requireNonNull(period, "period is null");
        if (yearStart.getDayOfMonth() > 28) {
            throw new IllegalArgumentException("a fiscal year starts on day 1 to 28 of a month, not " + yearStart);
        }
    }

    /** How a fiscal year is cut: {@code monthly} (12 periods), {@code quarterly} (4), {@code semiannual} (2), {@code annual} (1). */
    public enum Period {
        MONTHLY(1),
        QUARTERLY(3),
        SEMIANNUAL(6),
        ANNUAL(12);

        private final int months;

        Period(int months) {
            this.months = months;
        }

        /** The months in one period. */
        public int months() {
            return months;
        }

        /** The periods in one fiscal year. */
        public int perYear() {
            return 12 / months;
        }
    }

    /** The first day of fiscal year {@code year}. */
    public LocalDate yearStart(int year) {
        return yearStart.atYear(year);
    }

    /** The fiscal year {@code day} falls in. */
    public int fiscalYear(LocalDate day) {
        return day.isBefore(yearStart(day.getYear())) ? day.getYear() - 1 : day.getYear();
    }

    /** The period (1-based) of its fiscal year that {@code day} falls in. */
    public int fiscalPeriod(LocalDate day) {
        LocalDate start = yearStart(fiscalYear(day));
        int months = 0;
        while (!start.plusMonths(months + 1L).isAfter(day)) {
            months++;
        }
        return months / period.months() + 1;
    }

    /** The first day of period {@code period} (1-based, may run past the year's periods) of fiscal year {@code year}. */
    public LocalDate periodStart(int year, long period) {
        return yearStart(year).plusMonths((period - 1) * this.period.months());
    }
}
