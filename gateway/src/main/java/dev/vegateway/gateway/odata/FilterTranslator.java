package dev.vegateway.gateway.odata;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.FunctionCall;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Operand;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.apache.olingo.commons.api.edm.EdmType;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.apache.olingo.server.api.uri.UriResourcePrimitiveProperty;
import org.apache.olingo.server.api.uri.queryoption.expression.Binary;
import org.apache.olingo.server.api.uri.queryoption.expression.BinaryOperatorKind;
import org.apache.olingo.server.api.uri.queryoption.expression.Enumeration;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;
import org.apache.olingo.server.api.uri.queryoption.expression.Member;
import org.apache.olingo.server.api.uri.queryoption.expression.Method;
import org.apache.olingo.server.api.uri.queryoption.expression.Unary;
import org.apache.olingo.server.api.uri.queryoption.expression.UnaryOperatorKind;

/**
 * Translates an Olingo {@code $filter} expression tree into the neutral condition model. It
 * only maps syntax; names and types are checked by the planner against the catalog.
 */
final class FilterTranslator {
    private FilterTranslator() {}

    static Condition condition(Expression expression) {
        if (expression instanceof Binary binary) {
            return binary(binary);
        }
        if (expression instanceof Unary unary) {
            if (unary.getOperator() == UnaryOperatorKind.NOT) {
                return new Condition.Not(condition(unary.getOperand()));
            }
            throw unsupported("the operator '" + unary.getOperator() + "' as a condition");
        }
        if (expression instanceof Method method) {
            return method(method);
        }
        if (expression instanceof org.apache.olingo.server.api.uri.queryoption.expression.Literal literal
                && isType(literal.getType(), "Boolean")) {
            return Boolean.parseBoolean(literal.getText()) ? Condition.TRUE : Condition.FALSE;
        }
        if (expression instanceof Member member && isType(member.getType(), "Boolean")) {
            return new Condition.Comparison(operand(member), Condition.Operator.EQUAL, new Literal(Boolean.TRUE));
        }
        throw GatewayException.of(
                ErrorCode.QUERY_SYNTAX, "The $filter expression must be a condition (true or false), not a value.");
    }

    private static Condition binary(Binary binary) {
        BinaryOperatorKind operator = binary.getOperator();
        switch (operator) {
            case AND, OR -> {
                List<Condition> parts = new ArrayList<>();
                flatten(binary, operator, parts);
                return operator == BinaryOperatorKind.AND ? new Condition.And(parts) : new Condition.Or(parts);
            }
            case EQ, NE, GT, GE, LT, LE -> {
                return comparison(binary);
            }
            case IN -> {
                // A parenthesised list was spelled out as eq disjunctions before parsing (InOperator); what is left
                // is 'in' with an alias or a collection on its right.
                throw unsupported("'in' with anything but a parenthesised list of values");
            }
            default -> throw unsupported("the operator '" + operator.toString() + "'");
        }
    }

    private static void flatten(Expression expression, BinaryOperatorKind operator, List<Condition> parts) {
        if (expression instanceof Binary binary && binary.getOperator() == operator) {
            flatten(binary.getLeftOperand(), operator, parts);
            flatten(binary.getRightOperand(), operator, parts);
        } else {
            parts.add(condition(expression));
        }
    }

    private static Condition comparison(Binary binary) {
        Expression left = binary.getLeftOperand();
        Expression right = binary.getRightOperand();
        boolean leftNull = isNullLiteral(left);
        boolean rightNull = isNullLiteral(right);
        BinaryOperatorKind operator = binary.getOperator();
        if (leftNull || rightNull) {
            if (leftNull && rightNull) {
                if (operator == BinaryOperatorKind.EQ || operator == BinaryOperatorKind.NE) {
                    return operator == BinaryOperatorKind.EQ ? Condition.TRUE : Condition.FALSE;
                }
                throw nullOrdering();
            }
            if (operator != BinaryOperatorKind.EQ && operator != BinaryOperatorKind.NE) {
                throw nullOrdering();
            }
            return new Condition.IsNull(operand(leftNull ? right : left), operator == BinaryOperatorKind.NE);
        }
        if (left instanceof Method method
                && isBooleanMethod(method)
                && right instanceof org.apache.olingo.server.api.uri.queryoption.expression.Literal literal
                && isType(literal.getType(), "Boolean")
                && (operator == BinaryOperatorKind.EQ || operator == BinaryOperatorKind.NE)) {
            boolean wanted = Boolean.parseBoolean(literal.getText()) == (operator == BinaryOperatorKind.EQ);
            Condition condition = method(method);
            return wanted ? condition : new Condition.Not(condition);
        }
        Condition.Operator comparison =
                switch (operator) {
                    case EQ -> Condition.Operator.EQUAL;
                    case NE -> Condition.Operator.NOT_EQUAL;
                    case GT -> Condition.Operator.GREATER_THAN;
                    case GE -> Condition.Operator.GREATER_EQUAL;
                    case LT -> Condition.Operator.LESS_THAN;
                    default -> Condition.Operator.LESS_EQUAL;
                };
        return new Condition.Comparison(operand(left), comparison, operand(right));
    }

    private static GatewayException nullOrdering() {
        return GatewayException.of(ErrorCode.QUERY_SYNTAX, "null can only be compared with eq or ne.");
    }

    private static boolean isBooleanMethod(Method method) {
        return switch (method.getMethod()) {
            case CONTAINS, STARTSWITH, ENDSWITH -> true;
            default -> false;
        };
    }

    private static Condition method(Method method) {
        Condition.LikeKind kind =
                switch (method.getMethod()) {
                    case CONTAINS -> Condition.LikeKind.CONTAINS;
                    case STARTSWITH -> Condition.LikeKind.STARTS_WITH;
                    case ENDSWITH -> Condition.LikeKind.ENDS_WITH;
                    default -> throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX,
                            "The function '%s' returns a value, not a condition; compare it with something.",
                            method.getMethod().toString());
                };
        List<Expression> parameters = method.getParameters();
        Operand text = operand(parameters.get(1));
        if (!(text instanceof Literal literal) || !(literal.value() instanceof String value)) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX,
                    "The second argument of %s must be a text literal.",
                    method.getMethod().toString());
        }
        return new Condition.Like(operand(parameters.get(0)), kind, value, false);
    }

    static Operand operand(Expression expression) {
        if (expression instanceof Member member) {
            return attribute(member);
        }
        if (expression instanceof org.apache.olingo.server.api.uri.queryoption.expression.Literal literal) {
            return literal(literal);
        }
        if (expression instanceof Enumeration enumeration) {
            if (enumeration.getValues().size() != 1) {
                throw unsupported("enum literals with several members");
            }
            return new Literal(new Literal.EnumMember(enumeration.getValues().get(0)));
        }
        if (expression instanceof Method method) {
            FunctionCall.Function function =
                    switch (method.getMethod()) {
                        case TOLOWER -> FunctionCall.Function.TO_LOWER;
                        case TOUPPER -> FunctionCall.Function.TO_UPPER;
                        case TRIM -> FunctionCall.Function.TRIM;
                        case LENGTH -> FunctionCall.Function.LENGTH;
                        case YEAR -> FunctionCall.Function.YEAR;
                        case MONTH -> FunctionCall.Function.MONTH;
                        case DAY -> FunctionCall.Function.DAY;
                        case CONTAINS, STARTSWITH, ENDSWITH -> throw GatewayException.of(
                                ErrorCode.QUERY_SYNTAX,
                                "%s is a condition; it cannot be used as a value here.",
                                method.getMethod().toString());
                        default -> throw unsupported(
                                "the function '" + method.getMethod().toString() + "'");
                    };
            return new FunctionCall(
                    function, List.of(operand(method.getParameters().get(0))));
        }
        if (expression instanceof Unary unary && unary.getOperator() == UnaryOperatorKind.MINUS) {
            Operand inner = operand(unary.getOperand());
            if (inner instanceof Literal literal && literal.value() instanceof Long number) {
                return new Literal(-number);
            }
            if (inner instanceof Literal literal && literal.value() instanceof BigDecimal number) {
                return new Literal(number.negate());
            }
            if (inner instanceof Literal literal && literal.value() instanceof Double number) {
                return new Literal(-number);
            }
            throw unsupported("negation of a non-literal");
        }
        if (expression instanceof Binary binary) {
            throw unsupported("the operator '" + binary.getOperator().toString() + "' inside a value");
        }
        throw unsupported("this kind of expression");
    }

    /**
     * A property of the entity ({@code name}), or of an entity reached through single-valued
     * navigation properties ({@code nav/name}, {@code nav/nav2/name}): the relation is then named
     * by its navigation path, which the front end joins.
     */
    private static AttributeRef attribute(Member member) {
        if (member.isCollection() || member.getResourcePath() == null) {
            throw unsupported("collection-valued paths and lambda operators (any, all)");
        }
        List<UriResource> parts = member.getResourcePath().getUriResourceParts();
        List<String> navigation = new ArrayList<>();
        for (int i = 0; i < parts.size() - 1; i++) {
            if (!(parts.get(i) instanceof UriResourceNavigation step) || step.isCollection()) {
                throw unsupported("paths through collection-valued or complex properties");
            }
            navigation.add(step.getProperty().getName());
        }
        if (!(parts.get(parts.size() - 1) instanceof UriResourcePrimitiveProperty property)) {
            throw unsupported("a navigation property as a value; name one of its properties (nav/property)");
        }
        String name = property.getProperty().getName();
        return navigation.isEmpty()
                ? new AttributeRef(name)
                : new AttributeRef(Optional.of(String.join("/", navigation)), name);
    }

    private static boolean isNullLiteral(Expression expression) {
        return expression instanceof org.apache.olingo.server.api.uri.queryoption.expression.Literal literal
                && literal.getType() == null
                && "null".equals(literal.getText());
    }

    private static boolean isType(EdmType type, String name) {
        return type != null && "Edm".equals(type.getNamespace()) && name.equals(type.getName());
    }

    private static Literal literal(org.apache.olingo.server.api.uri.queryoption.expression.Literal literal) {
        EdmType type = literal.getType();
        String text = literal.getText();
        if (type == null) {
            throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "null can only be compared with eq or ne.");
        }
        try {
            return switch (type.getName()) {
                case "String" -> new Literal(unquote(text));
                case "Int16", "Int32", "Int64", "Byte", "SByte" -> new Literal(Long.parseLong(text));
                case "Decimal" -> new Literal(new BigDecimal(stripSuffix(text)));
                case "Double", "Single" -> new Literal(Double.parseDouble(stripSuffix(text)));
                case "Boolean" -> new Literal(Boolean.parseBoolean(text));
                case "Guid" -> new Literal(UUID.fromString(text));
                case "Date" -> new Literal(LocalDate.parse(text));
                case "DateTimeOffset" -> new Literal(OffsetDateTime.parse(text.replace("%3A", ":")));
                default -> throw unsupported("literals of type Edm." + type.getName());
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX, "The literal '%s' is not a valid Edm.%s.", text, type.getName());
        }
    }

    private static String stripSuffix(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.endsWith("m") || lower.endsWith("d") || lower.endsWith("f")
                ? text.substring(0, text.length() - 1)
                : text;
    }

    private static String unquote(String text) {
        if (text.length() >= 2 && text.startsWith("'") && text.endsWith("'")) {
            return text.substring(1, text.length() - 1).replace("''", "'");
        }
        return text;
    }

    private static GatewayException unsupported(String what) {
        return GatewayException.of(ErrorCode.UNSUPPORTED_QUERY, "$filter does not support %s.", what);
    }
}
