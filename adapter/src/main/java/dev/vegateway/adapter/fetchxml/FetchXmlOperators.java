package dev.vegateway.adapter.fetchxml;

import dev.vegateway.adapter.operators.ConditionOperator;
import java.util.Map;
import java.util.Optional;

/** FetchXML's condition operator names, each the {@link ConditionOperator} it means. */
final class FetchXmlOperators {
    private FetchXmlOperators() {}

    private static final Map<String, ConditionOperator> BY_NAME = Map.ofEntries(
            Map.entry("eq", ConditionOperator.EQUAL),
            Map.entry("ne", ConditionOperator.NOT_EQUAL),
            Map.entry("neq", ConditionOperator.NOT_EQUAL),
            Map.entry("gt", ConditionOperator.GREATER_THAN),
            Map.entry("ge", ConditionOperator.GREATER_EQUAL),
            Map.entry("lt", ConditionOperator.LESS_THAN),
            Map.entry("le", ConditionOperator.LESS_EQUAL),
            Map.entry("like", ConditionOperator.LIKE),
            Map.entry("not-like", ConditionOperator.NOT_LIKE),
            Map.entry("in", ConditionOperator.IN),
            Map.entry("not-in", ConditionOperator.NOT_IN),
            Map.entry("between", ConditionOperator.BETWEEN),
            Map.entry("not-between", ConditionOperator.NOT_BETWEEN),
            Map.entry("null", ConditionOperator.NULL),
            Map.entry("not-null", ConditionOperator.NOT_NULL),
            Map.entry("yesterday", ConditionOperator.YESTERDAY),
            Map.entry("today", ConditionOperator.TODAY),
            Map.entry("tomorrow", ConditionOperator.TOMORROW),
            Map.entry("last-seven-days", ConditionOperator.LAST_7_DAYS),
            Map.entry("next-seven-days", ConditionOperator.NEXT_7_DAYS),
            Map.entry("last-week", ConditionOperator.LAST_WEEK),
            Map.entry("this-week", ConditionOperator.THIS_WEEK),
            Map.entry("next-week", ConditionOperator.NEXT_WEEK),
            Map.entry("last-month", ConditionOperator.LAST_MONTH),
            Map.entry("this-month", ConditionOperator.THIS_MONTH),
            Map.entry("next-month", ConditionOperator.NEXT_MONTH),
            Map.entry("on", ConditionOperator.ON),
            Map.entry("on-or-before", ConditionOperator.ON_OR_BEFORE),
            Map.entry("on-or-after", ConditionOperator.ON_OR_AFTER),
            Map.entry("last-year", ConditionOperator.LAST_YEAR),
            Map.entry("this-year", ConditionOperator.THIS_YEAR),
            Map.entry("next-year", ConditionOperator.NEXT_YEAR),
            Map.entry("last-x-hours", ConditionOperator.LAST_X_HOURS),
            Map.entry("next-x-hours", ConditionOperator.NEXT_X_HOURS),
            Map.entry("last-x-days", ConditionOperator.LAST_X_DAYS),
            Map.entry("next-x-days", ConditionOperator.NEXT_X_DAYS),
            Map.entry("last-x-weeks", ConditionOperator.LAST_X_WEEKS),
            Map.entry("next-x-weeks", ConditionOperator.NEXT_X_WEEKS),
            Map.entry("last-x-months", ConditionOperator.LAST_X_MONTHS),
            Map.entry("next-x-months", ConditionOperator.NEXT_X_MONTHS),
            Map.entry("last-x-years", ConditionOperator.LAST_X_YEARS),
            Map.entry("next-x-years", ConditionOperator.NEXT_X_YEARS),
            Map.entry("eq-userid", ConditionOperator.EQUAL_USER_ID),
            Map.entry("ne-userid", ConditionOperator.NOT_EQUAL_USER_ID),
            Map.entry("eq-businessid", ConditionOperator.EQUAL_BUSINESS_ID),
            Map.entry("ne-businessid", ConditionOperator.NOT_EQUAL_BUSINESS_ID),
            Map.entry("child-of", ConditionOperator.CHILD_OF),
            Map.entry("mask", ConditionOperator.MASK),
            Map.entry("not-mask", ConditionOperator.NOT_MASK),
            Map.entry("masksselect", ConditionOperator.MASKS_SELECT),
            Map.entry("masks-select", ConditionOperator.MASKS_SELECT),
            Map.entry("eq-userlanguage", ConditionOperator.EQUAL_USER_LANGUAGE),
            Map.entry("not-on", ConditionOperator.NOT_ON),
            Map.entry("olderthan-x-months", ConditionOperator.OLDER_THAN_X_MONTHS),
            Map.entry("begins-with", ConditionOperator.BEGINS_WITH),
            Map.entry("not-begin-with", ConditionOperator.DOES_NOT_BEGIN_WITH),
            Map.entry("ends-with", ConditionOperator.ENDS_WITH),
            Map.entry("not-end-with", ConditionOperator.DOES_NOT_END_WITH),
            Map.entry("this-fiscal-year", ConditionOperator.THIS_FISCAL_YEAR),
            Map.entry("this-fiscal-period", ConditionOperator.THIS_FISCAL_PERIOD),
            Map.entry("next-fiscal-year", ConditionOperator.NEXT_FISCAL_YEAR),
            Map.entry("next-fiscal-period", ConditionOperator.NEXT_FISCAL_PERIOD),
            Map.entry("last-fiscal-year", ConditionOperator.LAST_FISCAL_YEAR),
            Map.entry("last-fiscal-period", ConditionOperator.LAST_FISCAL_PERIOD),
            Map.entry("last-x-fiscal-years", ConditionOperator.LAST_X_FISCAL_YEARS),
            Map.entry("last-x-fiscal-periods", ConditionOperator.LAST_X_FISCAL_PERIODS),
            Map.entry("next-x-fiscal-years", ConditionOperator.NEXT_X_FISCAL_YEARS),
            Map.entry("next-x-fiscal-periods", ConditionOperator.NEXT_X_FISCAL_PERIODS),
            Map.entry("in-fiscal-year", ConditionOperator.IN_FISCAL_YEAR),
            Map.entry("in-fiscal-period", ConditionOperator.IN_FISCAL_PERIOD),
            Map.entry("in-fiscal-period-and-year", ConditionOperator.IN_FISCAL_PERIOD_AND_YEAR),
            Map.entry("in-or-before-fiscal-period-and-year", ConditionOperator.IN_OR_BEFORE_FISCAL_PERIOD_AND_YEAR),
            Map.entry("in-or-after-fiscal-period-and-year", ConditionOperator.IN_OR_AFTER_FISCAL_PERIOD_AND_YEAR),
            Map.entry("eq-userteams", ConditionOperator.EQUAL_USER_TEAMS),
            Map.entry("eq-useroruserteams", ConditionOperator.EQUAL_USER_OR_USER_TEAMS),
            Map.entry("under", ConditionOperator.UNDER),
            Map.entry("not-under", ConditionOperator.NOT_UNDER),
            Map.entry("eq-or-under", ConditionOperator.UNDER_OR_EQUAL),
            Map.entry("above", ConditionOperator.ABOVE),
            Map.entry("eq-or-above", ConditionOperator.ABOVE_OR_EQUAL),
            Map.entry("eq-useroruserhierarchy", ConditionOperator.EQUAL_USER_OR_USER_HIERARCHY),
            Map.entry("eq-useroruserhierarchyandteams", ConditionOperator.EQUAL_USER_OR_USER_HIERARCHY_AND_TEAMS),
            Map.entry("olderthan-x-years", ConditionOperator.OLDER_THAN_X_YEARS),
            Map.entry("olderthan-x-weeks", ConditionOperator.OLDER_THAN_X_WEEKS),
            Map.entry("olderthan-x-days", ConditionOperator.OLDER_THAN_X_DAYS),
            Map.entry("olderthan-x-hours", ConditionOperator.OLDER_THAN_X_HOURS),
            Map.entry("olderthan-x-minutes", ConditionOperator.OLDER_THAN_X_MINUTES),
            Map.entry("contain-values", ConditionOperator.CONTAIN_VALUES),
            Map.entry("not-contain-values", ConditionOperator.DOES_NOT_CONTAIN_VALUES));

    /** Every FetchXML operator name, for tests that walk them all. */
    static java.util.Set<String> names() {
        return BY_NAME.keySet();
    }

    static Optional<ConditionOperator> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
