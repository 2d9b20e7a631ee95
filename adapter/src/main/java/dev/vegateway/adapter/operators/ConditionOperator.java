package dev.vegateway.adapter.operators;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every member of Dataverse's {@code Microsoft.Xrm.Sdk.Query.ConditionOperator} (Web API enum type
 * {@code Microsoft.Dynamics.CRM.ConditionOperator}), values 0 to 88, so that each one is recognised
 * and either works or is refused by name. The values are those of the compiled SDK assembly; note
 * that the Power Apps component framework typings number the hierarchy operators differently
 * (Above = 75 …), the SDK and the Web API use Under = 75, NotUnder = 76, UnderOrEqual = 77,
 * Above = 78, AboveOrEqual = 79.
 */
public enum ConditionOperator {
    EQUAL(0, "Equal"),
    NOT_EQUAL(1, "NotEqual"),
    GREATER_THAN(2, "GreaterThan"),
    LESS_THAN(3, "LessThan"),
    GREATER_EQUAL(4, "GreaterEqual"),
    LESS_EQUAL(5, "LessEqual"),
    LIKE(6, "Like"),
    NOT_LIKE(7, "NotLike"),
    IN(8, "In"),
    NOT_IN(9, "NotIn"),
    BETWEEN(10, "Between"),
    NOT_BETWEEN(11, "NotBetween"),
    NULL(12, "Null"),
    NOT_NULL(13, "NotNull"),
    YESTERDAY(14, "Yesterday"),
    TODAY(15, "Today"),
    TOMORROW(16, "Tomorrow"),
    LAST_7_DAYS(17, "Last7Days"),
    NEXT_7_DAYS(18, "Next7Days"),
    LAST_WEEK(19, "LastWeek"),
    THIS_WEEK(20, "ThisWeek"),
    NEXT_WEEK(21, "NextWeek"),
    LAST_MONTH(22, "LastMonth"),
    THIS_MONTH(23, "ThisMonth"),
    NEXT_MONTH(24, "NextMonth"),
    ON(25, "On"),
    ON_OR_BEFORE(26, "OnOrBefore"),
    ON_OR_AFTER(27, "OnOrAfter"),
    LAST_YEAR(28, "LastYear"),
    THIS_YEAR(29, "ThisYear"),
    NEXT_YEAR(30, "NextYear"),
    LAST_X_HOURS(31, "LastXHours"),
    NEXT_X_HOURS(32, "NextXHours"),
    LAST_X_DAYS(33, "LastXDays"),
    NEXT_X_DAYS(34, "NextXDays"),
    LAST_X_WEEKS(35, "LastXWeeks"),
    NEXT_X_WEEKS(36, "NextXWeeks"),
    LAST_X_MONTHS(37, "LastXMonths"),
    NEXT_X_MONTHS(38, "NextXMonths"),
    LAST_X_YEARS(39, "LastXYears"),
    NEXT_X_YEARS(40, "NextXYears"),
    EQUAL_USER_ID(41, "EqualUserId"),
    NOT_EQUAL_USER_ID(42, "NotEqualUserId"),
    EQUAL_BUSINESS_ID(43, "EqualBusinessId"),
    NOT_EQUAL_BUSINESS_ID(44, "NotEqualBusinessId"),
    CHILD_OF(45, "ChildOf"),
    MASK(46, "Mask"),
    NOT_MASK(47, "NotMask"),
    MASKS_SELECT(48, "MasksSelect"),
    CONTAINS(49, "Contains"),
    DOES_NOT_CONTAIN(50, "DoesNotContain"),
    EQUAL_USER_LANGUAGE(51, "EqualUserLanguage"),
    NOT_ON(52, "NotOn"),
    OLDER_THAN_X_MONTHS(53, "OlderThanXMonths"),
    BEGINS_WITH(54, "BeginsWith"),
    DOES_NOT_BEGIN_WITH(55, "DoesNotBeginWith"),
    ENDS_WITH(56, "EndsWith"),
    DOES_NOT_END_WITH(57, "DoesNotEndWith"),
    THIS_FISCAL_YEAR(58, "ThisFiscalYear"),
    THIS_FISCAL_PERIOD(59, "ThisFiscalPeriod"),
    NEXT_FISCAL_YEAR(60, "NextFiscalYear"),
    NEXT_FISCAL_PERIOD(61, "NextFiscalPeriod"),
    LAST_FISCAL_YEAR(62, "LastFiscalYear"),
    LAST_FISCAL_PERIOD(63, "LastFiscalPeriod"),
    LAST_X_FISCAL_YEARS(64, "LastXFiscalYears"),
    LAST_X_FISCAL_PERIODS(65, "LastXFiscalPeriods"),
    NEXT_X_FISCAL_YEARS(66, "NextXFiscalYears"),
    NEXT_X_FISCAL_PERIODS(67, "NextXFiscalPeriods"),
    IN_FISCAL_YEAR(68, "InFiscalYear"),
    IN_FISCAL_PERIOD(69, "InFiscalPeriod"),
    IN_FISCAL_PERIOD_AND_YEAR(70, "InFiscalPeriodAndYear"),
    IN_OR_BEFORE_FISCAL_PERIOD_AND_YEAR(71, "InOrBeforeFiscalPeriodAndYear"),
    IN_OR_AFTER_FISCAL_PERIOD_AND_YEAR(72, "InOrAfterFiscalPeriodAndYear"),
    EQUAL_USER_TEAMS(73, "EqualUserTeams"),
    EQUAL_USER_OR_USER_TEAMS(74, "EqualUserOrUserTeams"),
    UNDER(75, "Under"),
    NOT_UNDER(76, "NotUnder"),
    UNDER_OR_EQUAL(77, "UnderOrEqual"),
    ABOVE(78, "Above"),
    ABOVE_OR_EQUAL(79, "AboveOrEqual"),
    EQUAL_USER_OR_USER_HIERARCHY(80, "EqualUserOrUserHierarchy"),
    EQUAL_USER_OR_USER_HIERARCHY_AND_TEAMS(81, "EqualUserOrUserHierarchyAndTeams"),
    OLDER_THAN_X_YEARS(82, "OlderThanXYears"),
    OLDER_THAN_X_WEEKS(83, "OlderThanXWeeks"),
    OLDER_THAN_X_DAYS(84, "OlderThanXDays"),
    OLDER_THAN_X_HOURS(85, "OlderThanXHours"),
    OLDER_THAN_X_MINUTES(86, "OlderThanXMinutes"),
    CONTAIN_VALUES(87, "ContainValues"),
    DOES_NOT_CONTAIN_VALUES(88, "DoesNotContainValues");

    private static final ConditionOperator[] BY_VALUE = values();
    private static final Map<String, ConditionOperator> BY_NAME = Arrays.stream(BY_VALUE)
            .collect(Collectors.toUnmodifiableMap(ConditionOperator::dataverseName, Function.identity()));

    static {
        for (int index = 0; index < BY_VALUE.length; index++) {
            if (BY_VALUE[index].value != index) {
                throw new ExceptionInInitializerError("ConditionOperator " + BY_VALUE[index] + " is out of order");
            }
        }
    }

    private final int value;
    private final String dataverseName;

    ConditionOperator(int value, String dataverseName) {
        this.value = value;
        this.dataverseName = dataverseName;
    }

    /** The SDK's integer value. */
    public int value() {
        return value;
    }

    /** The SDK's member name, as written in QueryExpression JSON ({@code "GreaterEqual"}). */
    public String dataverseName() {
        return dataverseName;
    }

    /** Looks a member up by its exact, case-sensitive name, as the SDK does. */
    public static Optional<ConditionOperator> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The member whose name matches ignoring case, to suggest it when the case is wrong. */
    public static Optional<ConditionOperator> byNameIgnoringCase(String name) {
        return Arrays.stream(BY_VALUE)
                .filter(operator -> operator.dataverseName.equalsIgnoreCase(name))
                .findFirst();
    }

    public static Optional<ConditionOperator> byValue(long value) {
        return value >= 0 && value < BY_VALUE.length ? Optional.of(BY_VALUE[(int) value]) : Optional.empty();
    }

    /** {@code 'LastXDays' (33)}, as error messages name an operator. */
    public String describe() {
        return "'" + dataverseName + "' (" + value + ")";
    }
}
