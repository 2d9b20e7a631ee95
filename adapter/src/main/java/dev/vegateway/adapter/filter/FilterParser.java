package dev.vegateway.adapter.filter;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.operators.ConditionBuilder;
import dev.vegateway.adapter.operators.ConditionOperator;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.Comparison;
import dev.vegateway.adapter.query.Condition.In;
import dev.vegateway.adapter.query.Condition.IsNull;
import dev.vegateway.adapter.query.Condition.Like;
import dev.vegateway.adapter.query.Condition.LikeKind;
import dev.vegateway.adapter.query.Condition.Not;
import dev.vegateway.adapter.query.Condition.Operator;
import dev.vegateway.adapter.query.FunctionCall;
import dev.vegateway.adapter.query.FunctionCall.Function;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Literal.EnumMember;
import dev.vegateway.adapter.query.Operand;
import dev.vegateway.adapter.query.Placeholder;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The one parser of the gateway's filter language, an OData {@code $filter} subset: a client's
 * {@code $filter} and a role's row filter are both read here into the neutral {@link Condition}
 * model. Field names become {@link AttributeRef}s (a navigation path {@code nav/field} names its
 * relation by the path), lambdas {@link Condition.Lambda}s; the planner resolves both against the
 * catalog. A row filter may use the caller's values as {@link Placeholder}s, which are bound when
 * it is planned; a client's filter may use parameter aliases ({@code @p1}) whose values the query
 * string gives. Any text either parses or fails with a {@link FilterSyntaxException} naming the
 * column; nothing else is thrown.
 *
 * <pre>
 * filter     = or END
 * or         = and *( "or" and )
 * and        = compare *( "and" compare )
 * compare    = unary [ ( "eq" / "ne" / "gt" / "ge" / "lt" / "le" ) unary
 *                    / "in" ( "(" literal *( "," literal ) ")" / "@user.companies" ) ]
 * unary      = "not" unary / primary
 * primary    = "(" or ")" / function / literal / placeholder / alias / "true" / "false" / "null" / path
 * path       = [ variable "/" ] *( navigation "/" ) ( field / navigation "/" lambda )
 * lambda     = ( "any" / "all" ) "(" [ variable ":" or ] ")"       ; any() without a predicate
 * function   = ( "contains" / "startswith" / "endswith" ) "(" value "," text ")"
 *            / ( "tolower" / "toupper" / "trim" / "length" / "year" / "month" / "day" ) "(" value ")"
 * literal    = text / integer / decimal / double / guid / date / datetime / enum / "true" / "false"
 * text       = "'" *( char / "''" ) "'"                      ; 'O''Brien'
 * enum       = qualified-name text                            ; Namespace.Type'Member'
 * placeholder = "@user.id" / "@user.businessUnit" / "@user.companies" / "@user.attributes." name  ; row filters
 * alias      = "@" name                                       ; a client's filter: its value from the query string
 * </pre>
 *
 * <p>Precedence is OData's: {@code not} binds tighter than comparisons, which bind tighter than
 * {@code and}, then {@code or}. So {@code not name eq 'x'} is refused (write
 * {@code not (name eq 'x')}). A Boolean field alone is a condition ({@code active} means
 * {@code active eq true}); a condition compared with {@code true}/{@code false} is itself or
 * its negation. {@code x eq null} is an {@link IsNull}. {@code x in @user.companies} becomes
 * {@code Comparison(x, EQUAL, @user.companies)}, see {@link Placeholder}. Inside a lambda, fields
 * are named through its variable ({@code o/amount}). Keywords, functions and field names are
 * case-sensitive, as in OData.
 */
public final class FilterParser {
    /** The longest row filter accepted, in characters. */
    public static final int MAX_LENGTH = 4000;
    /** The longest client filter accepted, in characters (the URL length limit is usually lower). */
    public static final int MAX_QUERY_LENGTH = 65_536;
    /** The most values one {@code in} list may hold. */
    public static final int MAX_IN_VALUES = 1000;
    /** The deepest nesting of parentheses, {@code not} and function calls accepted. */
    public static final int MAX_DEPTH = 100;

    private static final Map<String, Operator> OPERATORS = Map.of(
            "eq",
            Operator.EQUAL,
            "ne",
            Operator.NOT_EQUAL,
            "gt",
            Operator.GREATER_THAN,
            "ge",
            Operator.GREATER_EQUAL,
            "lt",
            Operator.LESS_THAN,
            "le",
            Operator.LESS_EQUAL);
    private static final Set<String> KEYWORDS =
            Set.of("eq", "ne", "gt", "ge", "lt", "le", "and", "or", "not", "in", "true", "false", "null");
    /** OData operators this subset does not have, so that using one gets a precise message. */
    private static final Set<String> UNSUPPORTED_OPERATORS = Set.of("has", "add", "sub", "mul", "div", "divby", "mod");

    private static final Map<String, LikeKind> MATCH_FUNCTIONS =
            Map.of("contains", LikeKind.CONTAINS, "startswith", LikeKind.STARTS_WITH, "endswith", LikeKind.ENDS_WITH);
    private static final Map<String, Function> VALUE_FUNCTIONS = Map.of(
            "tolower",
            Function.TO_LOWER,
            "toupper",
            Function.TO_UPPER,
            "trim",
            Function.TRIM,
            "length",
            Function.LENGTH,
            "year",
            Function.YEAR,
            "month",
            Function.MONTH,
            "day",
            Function.DAY);
    private static final String FUNCTION_LIST =
            "contains, startswith, endswith, tolower, toupper, trim, length, year, month, day";
    private static final String DATAVERSE_NAMESPACE = "Microsoft.Dynamics.CRM.";
    private static final String DATAVERSE_ALIAS = "mscrm.";
    private static final String PLACEHOLDER_LIST =
            "@user.id, @user.businessUnit, @user.companies, @user.attributes.<name>";

    private final List<Token> tokens;
    private final List<ParsedRowFilter.FieldReference> fields = new ArrayList<>();
    /** The variables of the lambdas the parser is inside, innermost last, each with its navigation path. */
    private final List<Variable> variables = new ArrayList<>();

    private int next;
    private int depth;

    private FilterParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    private record Variable(String name, String path) {}

    /**
     * Parses a role's row filter, which may use the caller's values ({@code @user.id}, …).
     *
     * @throws FilterSyntaxException when the text is not a row filter: empty, longer than
     *     {@value #MAX_LENGTH} characters, nested deeper than {@value #MAX_DEPTH} levels, or not
     *     in the grammar
     */
    public static ParsedRowFilter rowFilter(String text) {
        return new FilterParser(tokens(text, Optional.empty(), MAX_LENGTH)).filter();
    }

    /**
     * Parses a client's filter ({@code $filter}): the same language, where {@code @name} is a
     * parameter alias whose value (a literal, or a parenthesised list of them after {@code in})
     * {@code aliases} gives, without its {@code @}.
     *
     * @throws FilterSyntaxException as {@link #rowFilter}, and for an alias without a value
     */
    public static Condition filter(String text, Map<String, String> aliases) {
        requireNonNull(aliases, "aliases is null");
        return new FilterParser(tokens(text, Optional.of(aliases), MAX_QUERY_LENGTH))
                .filter()
                .condition();
    }

    private static List<Token> tokens(String text, Optional<Map<String, String>> aliases, int maxLength) {
        requireNonNull(text, "text is null");
        if (text.length() > maxLength) {
            throw new FilterSyntaxException(
                    maxLength + 1,
                    "a filter is at most " + maxLength + " characters long, this one has " + text.length());
        }
        if (text.isBlank()) {
            throw new FilterSyntaxException(1, "the filter is empty");
        }
        return new Lexer(text, aliases).tokens();
    }

    // ---- grammar

    private ParsedRowFilter filter() {
        Term term = or();
        Token end = peek();
        if (end.kind() != Kind.END) {
            throw error(end, "expected 'and', 'or' or the end of the filter, found " + describe(end));
        }
        return new ParsedRowFilter(condition(term), fields);
    }

    private Term or() {
        Term first = and();
        if (!isWord(peek(), "or")) {
            return first;
        }
        List<Condition> parts = new ArrayList<>();
        parts.add(condition(first));
        while (isWord(peek(), "or")) {
            advance();
            parts.add(condition(and()));
        }
        return new Predicate(new Condition.Or(parts), first.column());
    }

    private Term and() {
        Term first = compare();
        if (!isWord(peek(), "and")) {
            return first;
        }
        List<Condition> parts = new ArrayList<>();
        parts.add(condition(first));
        while (isWord(peek(), "and")) {
            advance();
            parts.add(condition(compare()));
        }
        return new Predicate(new Condition.And(parts), first.column());
    }

    private Term compare() {
        Term left = unary();
        Token operator = peek();
        if (operator.kind() == Kind.WORD && OPERATORS.containsKey(operator.text())) {
            advance();
            return comparison(left, operator, unary());
        }
        if (isWord(operator, "in")) {
            advance();
            return in(left, operator);
        }
        if (operator.kind() == Kind.END
                || operator.kind() == Kind.CLOSE
                || operator.kind() == Kind.COMMA
                || isWord(operator, "and")
                || isWord(operator, "or")) {
            return left;
        }
        if (operator.kind() == Kind.WORD) {
            String word = operator.text();
            if (UNSUPPORTED_OPERATORS.contains(word)) {
                throw error(operator, "the operator '" + word + "' is not supported in filters");
            }
            String lower = word.toLowerCase(Locale.ROOT);
            if (!lower.equals(word) && KEYWORDS.contains(lower)) {
                throw error(
                        operator, "operators are written in lowercase: '" + lower + "', found " + describe(operator));
            }
        }
        if (left instanceof Predicate) {
            throw error(operator, "expected 'and', 'or', ')' or the end of the filter, found " + describe(operator));
        }
        throw error(
                operator,
                "expected an operator (eq, ne, gt, ge, lt, le, in), 'and', 'or' or ')', found " + describe(operator));
    }

    private Term unary() {
        Token token = peek();
        if (isWord(token, "not")) {
            advance();
            enter(token);
            Condition operand = condition(unary());
            leave();
            return new Predicate(new Not(operand), token.column());
        }
        return primary();
    }

    private Term primary() {
        Token token = advance();
        return switch (token.kind()) {
            case OPEN -> {
                enter(token);
                Term inner = or();
                Token close = peek();
                if (close.kind() != Kind.CLOSE) {
                    throw error(close, "expected ')', found " + describe(close));
                }
                advance();
                leave();
                yield inner;
            }
            case LITERAL -> new Value(new Literal(token.value()), token.column());
            case PLACEHOLDER -> {
                Placeholder placeholder = (Placeholder) token.value();
                if (placeholder.isList()) {
                    throw error(
                            token,
                            placeholder + " is a list; it can only follow 'in', as in dataareaid in " + placeholder);
                }
                yield new Value(placeholder, token.column());
            }
            case WORD -> word(token);
            case CLOSE, COMMA, SLASH, COLON, EQUALS, OPEN_BRACKET, CLOSE_BRACKET, END -> throw error(
                    token, "expected a field, a value or '(', found " + describe(token));
        };
    }

    private Term word(Token token) {
        String word = token.text();
        switch (word) {
            case "true", "false" -> {
                return new Value(new Literal(Boolean.valueOf(word)), token.column());
            }
            case "null" -> {
                return new Null(token.column());
            }
            default -> {
                if (KEYWORDS.contains(word)) {
                    throw error(token, "expected a field, a value or '(', found " + describe(token));
                }
            }
        }
        if (peek().kind() == Kind.OPEN) {
            return function(token);
        }
        return path(token);
    }

    /** A field, a navigation path to one ({@code nav/field}), or a lambda ({@code nav/any(x: …)}). */
    private Term path(Token first) {
        List<String> segments = new ArrayList<>();
        segments.add(first.text());
        while (peek().kind() == Kind.SLASH) {
            advance();
            Token segment = advance();
            if (segment.kind() != Kind.WORD || KEYWORDS.contains(segment.text())) {
                throw error(segment, "expected a name after '/', found " + describe(segment));
            }
            if ((segment.text().equals("any") || segment.text().equals("all")) && peek().kind() == Kind.OPEN) {
                return lambda(first, segments, segment);
            }
            segments.add(segment.text());
        }
        List<String> relative = relative(first, segments);
        if (relative.isEmpty()) {
            throw error(
                    first,
                    "the lambda variable '" + first.text() + "' names a record; name one of its fields, as in "
                            + first.text() + "/field");
        }
        String name = relative.get(relative.size() - 1);
        Optional<String> relation = relative.size() == 1
                ? Optional.empty()
                : Optional.of(String.join("/", relative.subList(0, relative.size() - 1)));
        fields.add(new ParsedRowFilter.FieldReference(absolute(String.join("/", relative)), first.column()));
        return new Value(new AttributeRef(relation, name), first.column());
    }

    /**
     * The path relative to the relation the condition stands in: inside a lambda it must start
     * with the lambda's variable, which is dropped.
     */
    private List<String> relative(Token first, List<String> segments) {
        if (variables.isEmpty()) {
            return segments;
        }
        Variable innermost = variables.get(variables.size() - 1);
        if (segments.get(0).equals(innermost.name())) {
            return segments.subList(1, segments.size());
        }
        for (Variable outer : variables) {
            if (segments.get(0).equals(outer.name())) {
                throw error(
                        first,
                        "a lambda can use only its own variable '" + innermost.name() + "'; '" + outer.name()
                                + "' belongs to an enclosing lambda");
            }
        }
        throw error(
                first,
                "inside a lambda, name fields through its variable, as in " + innermost.name() + "/" + segments.get(0));
    }

    /** A path relative to the innermost lambda, from the filter's own relation (for messages and checks). */
    private String absolute(String relative) {
        return variables.isEmpty()
                ? relative
                : variables.get(variables.size() - 1).path() + "/" + relative;
    }

    private Term lambda(Token first, List<String> segments, Token operator) {
        List<String> relative = relative(first, segments);
        if (relative.isEmpty()) {
            throw error(
                    operator,
                    operator.text() + " applies to a navigation property, as in orders/" + operator.text()
                            + "(o: o/amount gt 100)");
        }
        String navigation = String.join("/", relative);
        Condition.Lambda.Quantifier quantifier =
                operator.text().equals("any") ? Condition.Lambda.Quantifier.ANY : Condition.Lambda.Quantifier.ALL;
        enter(operator);
        advance(); // (
        if (peek().kind() == Kind.CLOSE) {
            if (quantifier == Condition.Lambda.Quantifier.ALL) {
                throw error(peek(), "all needs a condition, as in all(x: x/field eq 1)");
            }
            advance();
            leave();
            return new Predicate(new Condition.Lambda(navigation, quantifier, Condition.TRUE), first.column());
        }
        Token variable = advance();
        if (variable.kind() != Kind.WORD || KEYWORDS.contains(variable.text())) {
            throw error(
                    variable,
                    "expected the lambda's variable, as in " + operator.text() + "(x: …), found " + describe(variable));
        }
        for (Variable outer : variables) {
            if (outer.name().equals(variable.text())) {
                throw error(variable, "the variable '" + variable.text() + "' is already used by an enclosing lambda");
            }
        }
        Token colon = advance();
        if (colon.kind() != Kind.COLON) {
            throw error(colon, "expected ':' after the lambda's variable, found " + describe(colon));
        }
        variables.add(new Variable(variable.text(), absolute(navigation)));
        Condition predicate = condition(or());
        variables.remove(variables.size() - 1);
        Token close = peek();
        if (close.kind() != Kind.CLOSE) {
            throw error(close, "expected ')' to close " + operator.text() + "(, found " + describe(close));
        }
        advance();
        leave();
        return new Predicate(new Condition.Lambda(navigation, quantifier, predicate), first.column());
    }

    private Term function(Token name) {
        String function = name.text();
        if (function.indexOf('.') >= 0) {
            return queryFunction(name);
        }
        LikeKind match = MATCH_FUNCTIONS.get(function);
        Function value = VALUE_FUNCTIONS.get(function);
        if (match == null && value == null) {
            String lower = function.toLowerCase(Locale.ROOT);
            if (MATCH_FUNCTIONS.containsKey(lower) || VALUE_FUNCTIONS.containsKey(lower)) {
                throw error(name, "functions are written in lowercase: '" + lower + "', found " + describe(name));
            }
            throw error(name, "unknown function " + describe(name) + " (filters support " + FUNCTION_LIST + ")");
        }
        enter(name);
        advance(); // (
        List<Term> arguments = new ArrayList<>();
        if (peek().kind() != Kind.CLOSE) {
            arguments.add(or());
            while (peek().kind() == Kind.COMMA) {
                advance();
                arguments.add(or());
            }
        }
        Token close = peek();
        if (close.kind() != Kind.CLOSE) {
            throw error(close, "expected ',' or ')' in the arguments of " + function + ", found " + describe(close));
        }
        advance();
        leave();
        if (match != null) {
            if (arguments.size() != 2) {
                throw error(name, function + " takes 2 arguments, a field and a text, found " + arguments.size());
            }
            Operand subject = fieldArgument(function, arguments.get(0));
            Term text = arguments.get(1);
            if (!(text instanceof Value textValue)
                    || !(textValue.operand() instanceof Literal literal)
                    || !(literal.value() instanceof String string)) {
                throw new FilterSyntaxException(
                        text.column(), "the second argument of " + function + " must be a text literal such as 'abc'");
            }
            return new Predicate(new Like(subject, match, string, false), name.column());
        }
        if (arguments.size() != 1) {
            throw error(name, function + " takes 1 argument, a field, found " + arguments.size());
        }
        return new Value(new FunctionCall(value, List.of(fieldArgument(function, arguments.get(0)))), name.column());
    }

    /**
     * A Dataverse query function, {@code Microsoft.Dynamics.CRM.<Operator>(PropertyName='field'
     * [,PropertyValue=literal | ,PropertyValues=[literal,…]])}: the condition operator of that name,
     * built as QueryExpression and FetchXML build it.
     */
    private Term queryFunction(Token name) {
        String qualified = name.text();
        String operatorName = qualified.startsWith(DATAVERSE_NAMESPACE)
                ? qualified.substring(DATAVERSE_NAMESPACE.length())
                : qualified.startsWith(DATAVERSE_ALIAS) ? qualified.substring(DATAVERSE_ALIAS.length()) : "";
        ConditionOperator operator = ConditionOperator.byName(operatorName)
                .orElseThrow(() -> error(
                        name,
                        "unknown function " + describe(name)
                                + " (query functions are Microsoft.Dynamics.CRM.<ConditionOperator>, such as"
                                + " Microsoft.Dynamics.CRM.In)"));
        enter(name);
        advance(); // (
        Optional<String> property = Optional.empty();
        List<Literal> values = new ArrayList<>();
        boolean first = true;
        while (peek().kind() != Kind.CLOSE) {
            if (!first) {
                Token comma = advance();
                if (comma.kind() != Kind.COMMA) {
                    throw error(
                            comma,
                            "expected ',' or ')' in the parameters of " + operatorName + ", found " + describe(comma));
                }
            }
            first = false;
            Token parameter = advance();
            Token equals = advance();
            if (parameter.kind() != Kind.WORD || equals.kind() != Kind.EQUALS) {
                throw error(
                        parameter, "expected a parameter such as PropertyName='field', found " + describe(parameter));
            }
            switch (parameter.text()) {
                case "PropertyName" -> {
                    Token field = advance();
                    if (field.kind() != Kind.LITERAL || !(field.value() instanceof String text) || text.isBlank()) {
                        throw error(field, "PropertyName is the field's name as text, such as 'name'");
                    }
                    property = Optional.of(text);
                }
                case "PropertyValue" -> values.add(parameterValue(advance()));
                case "PropertyValues" -> {
                    Token open = advance();
                    if (open.kind() != Kind.OPEN_BRACKET) {
                        throw error(open, "PropertyValues is a list, such as ['a','b']");
                    }
                    while (peek().kind() != Kind.CLOSE_BRACKET) {
                        if (!values.isEmpty() && advance().kind() != Kind.COMMA) {
                            throw error(peek(), "expected ',' or ']' in PropertyValues");
                        }
                        values.add(parameterValue(advance()));
                    }
                    advance(); // ]
                }
                default -> throw error(
                        parameter,
                        "unknown parameter " + describe(parameter) + " (PropertyName, PropertyValue, PropertyValues)");
            }
        }
        advance(); // )
        leave();
        String field = property.orElseThrow(() -> error(name, operatorName + " needs PropertyName='field'"));
        int slash = field.lastIndexOf('/');
        AttributeRef attribute = slash < 0
                ? new AttributeRef(field)
                : new AttributeRef(Optional.of(field.substring(0, slash)), field.substring(slash + 1));
        fields.add(new ParsedRowFilter.FieldReference(absolute(field), name.column()));
        Condition condition = ConditionBuilder.build(
                operator, operatorName, attribute, () -> values, new ConditionBuilder.Problems() {
                    @Override
                    public GatewayException values(String message) {
                        throw error(name, message);
                    }

                    @Override
                    public GatewayException unsupported(String message) {
                        throw error(name, message);
                    }
                });
        return new Predicate(condition, name.column());
    }

    private Literal parameterValue(Token token) {
        if (token.kind() == Kind.LITERAL) {
            return new Literal(token.value());
        }
        if (isWord(token, "true") || isWord(token, "false")) {
            return new Literal(Boolean.valueOf(token.text()));
        }
        throw error(token, "expected a literal value, found " + describe(token));
    }

    /** A function applies to a field or to another function of a field, never to a constant. */
    private static Operand fieldArgument(String function, Term argument) {
        if (argument instanceof Value value
                && (value.operand() instanceof AttributeRef || value.operand() instanceof FunctionCall)) {
            return value.operand();
        }
        throw new FilterSyntaxException(
                argument.column(), function + " applies to a field, as in " + function + "(name)");
    }

    private Term comparison(Term left, Token operatorToken, Term right) {
        Operator operator = OPERATORS.get(operatorToken.text());
        boolean equality = operator == Operator.EQUAL || operator == Operator.NOT_EQUAL;
        if (left instanceof Null || right instanceof Null) {
            if (!equality) {
                throw error(operatorToken, "null can only be compared with eq or ne");
            }
            if (left instanceof Null && right instanceof Null) {
                return new Predicate(operator == Operator.EQUAL ? Condition.TRUE : Condition.FALSE, left.column());
            }
            Term other = left instanceof Null ? right : left;
            if (!(other instanceof Value value)) {
                throw error(operatorToken, "a condition cannot be compared with null");
            }
            return new Predicate(new IsNull(value.operand(), operator == Operator.NOT_EQUAL), left.column());
        }
        if (left instanceof Predicate || right instanceof Predicate) {
            if (left instanceof Predicate && right instanceof Predicate) {
                throw error(operatorToken, "two conditions cannot be compared; combine them with 'and' or 'or'");
            }
            Predicate predicate = left instanceof Predicate leftPredicate ? leftPredicate : (Predicate) right;
            Term other = left instanceof Predicate ? right : left;
            if (!equality
                    || !(other instanceof Value value)
                    || !(value.operand() instanceof Literal literal)
                    || !(literal.value() instanceof Boolean flag)) {
                throw error(
                        operatorToken,
                        "a condition can only be compared with true or false, using eq or ne"
                                + " (to negate a comparison write not (...))");
            }
            boolean keep = flag == (operator == Operator.EQUAL);
            return new Predicate(keep ? predicate.condition() : new Not(predicate.condition()), left.column());
        }
        return new Predicate(
                new Comparison(((Value) left).operand(), operator, ((Value) right).operand()), left.column());
    }

    private Term in(Term left, Token inToken) {
        if (!(left instanceof Value subject)) {
            throw error(inToken, "'in' needs a field or a value on its left");
        }
        Token token = advance();
        if (token.kind() == Kind.PLACEHOLDER && ((Placeholder) token.value()).isList()) {
            return new Predicate(
                    new Comparison(subject.operand(), Operator.EQUAL, (Placeholder) token.value()), left.column());
        }
        if (token.kind() != Kind.OPEN) {
            throw error(token, "expected '(' or @user.companies after 'in', found " + describe(token));
        }
        List<Literal> values = new ArrayList<>();
        while (true) {
            Token value = advance();
            if (value.kind() == Kind.LITERAL) {
                values.add(new Literal(value.value()));
            } else if (isWord(value, "true") || isWord(value, "false")) {
                values.add(new Literal(Boolean.valueOf(value.text())));
            } else if (isWord(value, "null")) {
                throw error(value, "null cannot be one of the values of 'in'; compare with eq null instead");
            } else if (value.kind() == Kind.CLOSE && values.isEmpty()) {
                throw error(value, "'in' needs at least one value");
            } else {
                throw error(value, "the values of 'in' must be literals, found " + describe(value));
            }
            if (values.size() > MAX_IN_VALUES) {
                throw error(value, "'in' takes at most " + MAX_IN_VALUES + " values");
            }
            Token separator = advance();
            if (separator.kind() == Kind.CLOSE) {
                break;
            }
            if (separator.kind() != Kind.COMMA) {
                throw error(separator, "expected ',' or ')' in the values of 'in', found " + describe(separator));
            }
        }
        return new Predicate(new In(subject.operand(), values, false), left.column());
    }

    /** A term where a condition must stand: a Boolean field means {@code field eq true}. */
    private static Condition condition(Term term) {
        if (term instanceof Predicate predicate) {
            return predicate.condition();
        }
        if (term instanceof Value value) {
            if (value.operand() instanceof AttributeRef) {
                return new Comparison(value.operand(), Operator.EQUAL, new Literal(Boolean.TRUE));
            }
            if (value.operand() instanceof Literal literal && literal.value() instanceof Boolean flag) {
                return flag ? Condition.TRUE : Condition.FALSE;
            }
        }
        throw new FilterSyntaxException(
                term.column(), "expected a condition, found a value (compare it, as in name eq 'x')");
    }

    // ---- tokens

    private Token peek() {
        return tokens.get(next);
    }

    private Token advance() {
        Token token = tokens.get(next);
        if (token.kind() != Kind.END) {
            next++;
        }
        return token;
    }

    private void enter(Token token) {
        depth++;
        if (depth > MAX_DEPTH) {
            throw error(token, "the filter is nested more than " + MAX_DEPTH + " levels deep");
        }
    }

    private void leave() {
        depth--;
    }

    private static boolean isWord(Token token, String word) {
        return token.kind() == Kind.WORD && token.text().equals(word);
    }

    private static FilterSyntaxException error(Token token, String reason) {
        return new FilterSyntaxException(token.column(), reason);
    }

    private static String describe(Token token) {
        if (token.kind() == Kind.END) {
            return "the end of the filter";
        }
        return token.text().startsWith("'") ? shorten(token.text()) : quote(token.text());
    }

    private static String quote(String text) {
        return "'" + shorten(text) + "'";
    }

    /** At most 40 characters, control and odd space characters escaped, so that a message stays one readable line. */
    private static String shorten(String text) {
        StringBuilder shown = new StringBuilder();
        int limit = Math.min(text.length(), 40);
        for (int i = 0; i < limit; i++) {
            shown.append(printable(text.charAt(i)));
        }
        return shown.append(text.length() > limit ? "…" : "").toString();
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f || Character.isSurrogate(c) || (Character.isSpaceChar(c) && c != ' ')
                ? String.format("\\u%04x", (int) c)
                : String.valueOf(c);
    }

    private enum Kind {
        WORD,
        LITERAL,
        PLACEHOLDER,
        OPEN,
        CLOSE,
        COMMA,
        SLASH,
        COLON,
        EQUALS,
        OPEN_BRACKET,
        CLOSE_BRACKET,
        END
    }

    /**
     * One token: {@code column} counts from 1, {@code text} is the source, {@code value} the Java
     * value of a literal or the {@link Placeholder}.
     */
    private record Token(Kind kind, int column, String text, Object value) {}

    /** What the grammar has read so far at one point: a condition, a value, or null. */
    private sealed interface Term {
        int column();
    }

    private record Predicate(Condition condition, int column) implements Term {}

    private record Value(Operand operand, int column) implements Term {}

    private record Null(int column) implements Term {}

    /** Splits the text into tokens; every malformed literal is refused here, with its column. */
    private static final class Lexer {
        private final String text;
        /** A client's parameter aliases; empty for a row filter, whose {@code @} names are placeholders. */
        private final Optional<Map<String, String>> aliases;

        private final List<Token> tokens = new ArrayList<>();
        private int position;

        Lexer(String text, Optional<Map<String, String>> aliases) {
            this.text = text;
            this.aliases = aliases;
        }

        List<Token> tokens() {
            while (true) {
                while (position < text.length() && isWhitespace(text.charAt(position))) {
                    position++;
                }
                if (position >= text.length()) {
                    tokens.add(new Token(Kind.END, position + 1, "", null));
                    return tokens;
                }
                char c = text.charAt(position);
                if (c == '(') {
                    single(Kind.OPEN);
                } else if (c == ')') {
                    single(Kind.CLOSE);
                } else if (c == ',') {
                    single(Kind.COMMA);
                } else if (c == '\'') {
                    int start = position;
                    String value = text(start);
                    if (position < text.length() && isIdentifierPart(text.charAt(position))) {
                        throw new FilterSyntaxException(
                                position,
                                "the text ends at this quote but a name follows it;"
                                        + " a quote inside text is written twice, as in 'O''Brien'");
                    }
                    tokens.add(new Token(Kind.LITERAL, start + 1, text.substring(start, position), value));
                } else if (c == '@' && aliases.isPresent()) {
                    alias();
                } else if (c == '@') {
                    placeholder();
                } else if (isGuidAt(position)) {
                    guid();
                } else if (isDigit(c)
                        || (c == '-' && position + 1 < text.length() && isDigit(text.charAt(position + 1)))) {
                    numberOrDate();
                } else if (isIdentifierStart(c)) {
                    word();
                } else if (c == '/') {
                    single(Kind.SLASH);
                } else if (c == ':') {
                    single(Kind.COLON);
                } else if (c == '=') {
                    single(Kind.EQUALS);
                } else if (c == '[') {
                    single(Kind.OPEN_BRACKET);
                } else if (c == ']') {
                    single(Kind.CLOSE_BRACKET);
                } else {
                    throw new FilterSyntaxException(position + 1, "unexpected character '" + printable(c) + "'");
                }
            }
        }

        private void single(Kind kind) {
            tokens.add(new Token(kind, position + 1, text.substring(position, position + 1), null));
            position++;
        }

        /** The text literal opening at {@code start}, with doubled quotes undone; moves past its closing quote. */
        private String text(int start) {
            StringBuilder value = new StringBuilder();
            int i = start + 1;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '\'') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                        value.append('\'');
                        i += 2;
                        continue;
                    }
                    position = i + 1;
                    return value.toString();
                }
                value.append(c);
                i++;
            }
            throw new FilterSyntaxException(
                    start + 1,
                    "the text starting here is not closed by a quote (a quote inside text is written twice: 'O''Brien')");
        }

        /** A parameter alias: the tokens of its value, each at the column of the alias. */
        private void alias() {
            int start = position;
            int end = start + 1;
            while (end < text.length() && (isIdentifierPart(text.charAt(end)) || text.charAt(end) == '.')) {
                end++;
            }
            String name = text.substring(start + 1, end);
            String value = aliases.orElseThrow().get(name);
            if (value == null) {
                throw new FilterSyntaxException(
                        start + 1,
                        "the parameter alias " + quote("@" + name)
                                + " has no value; give it in the query string, as in &@"
                                + (name.isEmpty() ? "p1" : name) + "='value'");
            }
            List<Token> valueTokens;
            try {
                valueTokens = new Lexer(value, Optional.of(Map.of())).tokens();
            } catch (FilterSyntaxException e) {
                throw new FilterSyntaxException(
                        start + 1, "the value of the alias " + quote("@" + name) + " is not valid: " + e.getMessage());
            }
            if (valueTokens.size() == 1) {
                throw new FilterSyntaxException(start + 1, "the alias " + quote("@" + name) + " has an empty value");
            }
            for (Token token : valueTokens.subList(0, valueTokens.size() - 1)) {
                tokens.add(new Token(token.kind(), start + 1, token.text(), token.value()));
            }
            position = end;
        }

        private void placeholder() {
            int start = position;
            int end = start + 1;
            while (end < text.length() && (isIdentifierPart(text.charAt(end)) || text.charAt(end) == '.')) {
                end++;
            }
            String name = text.substring(start + 1, end);
            Placeholder placeholder =
                    switch (name) {
                        case "user.id" -> Placeholder.USER_ID;
                        case "user.businessUnit" -> Placeholder.USER_BUSINESS_UNIT;
                        case "user.companies" -> Placeholder.USER_COMPANIES;
                        default -> {
                            String prefix = "user.attributes.";
                            String attribute = name.startsWith(prefix) ? name.substring(prefix.length()) : "";
                            if (!isIdentifier(attribute)) {
                                throw new FilterSyntaxException(
                                        start + 1,
                                        "unknown placeholder " + quote("@" + name) + " (known: " + PLACEHOLDER_LIST
                                                + ")");
                            }
                            yield Placeholder.userAttribute(attribute);
                        }
                    };
            tokens.add(new Token(Kind.PLACEHOLDER, start + 1, text.substring(start, end), placeholder));
            position = end;
        }

        private void guid() {
            int start = position;
            String guid = text.substring(start, start + 36);
            position = start + 36;
            tokens.add(new Token(Kind.LITERAL, start + 1, guid, UUID.fromString(guid)));
        }

        private void numberOrDate() {
            int start = position;
            if (isDateAt(start)) {
                if (start + 10 < text.length() && text.charAt(start + 10) == 'T') {
                    int end = start + 11;
                    while (end < text.length() && isDateTimePart(text.charAt(end))) {
                        end++;
                    }
                    String dateTime = text.substring(start, end);
                    position = end;
                    requireSeparator(start);
                    try {
                        tokens.add(new Token(Kind.LITERAL, start + 1, dateTime, OffsetDateTime.parse(dateTime)));
                    } catch (DateTimeParseException e) {
                        throw new FilterSyntaxException(
                                start + 1,
                                quote(dateTime)
                                        + " is not a valid date and time with an offset, such as 2024-01-31T10:00:00Z");
                    }
                    return;
                }
                String date = text.substring(start, start + 10);
                position = start + 10;
                requireSeparator(start);
                try {
                    tokens.add(new Token(Kind.LITERAL, start + 1, date, LocalDate.parse(date)));
                } catch (DateTimeParseException e) {
                    throw new FilterSyntaxException(
                            start + 1, quote(date) + " is not a valid date, such as 2024-01-31");
                }
                return;
            }
            int end = start;
            if (text.charAt(end) == '-') {
                end++;
            }
            end = digits(end);
            boolean fraction = false;
            boolean exponent = false;
            if (end < text.length() && text.charAt(end) == '.') {
                fraction = true;
                int digitsEnd = digits(end + 1);
                if (digitsEnd == end + 1) {
                    throw new FilterSyntaxException(
                            start + 1,
                            quote(text.substring(start, end + 1))
                                    + " is not a number: digits must follow the decimal point");
                }
                end = digitsEnd;
            }
            if (end < text.length() && (text.charAt(end) == 'e' || text.charAt(end) == 'E')) {
                exponent = true;
                int digitsStart = end + 1;
                if (digitsStart < text.length()
                        && (text.charAt(digitsStart) == '+' || text.charAt(digitsStart) == '-')) {
                    digitsStart++;
                }
                int digitsEnd = digits(digitsStart);
                if (digitsEnd == digitsStart) {
                    throw new FilterSyntaxException(
                            start + 1,
                            quote(text.substring(start, Math.min(digitsStart, text.length())))
                                    + " is not a number: digits must follow the exponent");
                }
                end = digitsEnd;
            }
            String number = text.substring(start, end);
            position = end;
            requireSeparator(start);
            Object value;
            if (exponent) {
                double floating = Double.parseDouble(number);
                if (Double.isInfinite(floating)) {
                    throw new FilterSyntaxException(start + 1, quote(number) + " is out of range for a Double");
                }
                value = floating;
            } else if (fraction) {
                value = new BigDecimal(number);
            } else {
                value = integer(number);
            }
            tokens.add(new Token(Kind.LITERAL, start + 1, number, value));
        }

        /** An integer as a Long, or as a BigDecimal beyond Long's range (as OData reads it as a Decimal). */
        private static Object integer(String digits) {
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                return new BigDecimal(digits);
            }
        }

        private int digits(int from) {
            int end = from;
            while (end < text.length() && isDigit(text.charAt(end))) {
                end++;
            }
            return end;
        }

        /** A literal must not run into a name: {@code 12abc} or {@code 2024-01-31x} is one malformed literal. */
        private void requireSeparator(int start) {
            if (position < text.length()) {
                char c = text.charAt(position);
                if (isIdentifierPart(c) || c == '.' || c == '-' || c == ':' || c == '\'') {
                    int end = position;
                    while (end < text.length()
                            && (isIdentifierPart(text.charAt(end)) || ".-:+".indexOf(text.charAt(end)) >= 0)) {
                        end++;
                    }
                    throw new FilterSyntaxException(
                            start + 1,
                            quote(text.substring(start, Math.max(end, position + 1))) + " is not a valid literal");
                }
            }
        }

        private void word() {
            int start = position;
            int end = identifierEnd(start);
            while (end + 1 < text.length() && text.charAt(end) == '.' && isIdentifierStart(text.charAt(end + 1))) {
                end = identifierEnd(end + 1);
            }
            String name = text.substring(start, end);
            position = end;
            boolean qualified = name.indexOf('.') >= 0;
            if (end < text.length() && text.charAt(end) == '\'' && !KEYWORDS.contains(name)) {
                if (!qualified) {
                    throw new FilterSyntaxException(
                            start + 1,
                            quote(name + "'") + " starts a typed literal, which filters do not support;"
                                    + " enum values are written Namespace.Type'Member'");
                }
                String member = text(end);
                if (member.isEmpty()
                        || member.indexOf(',') >= 0
                        || !member.strip().equals(member)) {
                    throw new FilterSyntaxException(
                            start + 1, "an enum value names exactly one member, as in " + name + "'Active'");
                }
                tokens.add(new Token(Kind.LITERAL, start + 1, text.substring(start, position), new EnumMember(member)));
                return;
            }
            boolean call = end < text.length() && text.charAt(end) == '(';
            if ((qualified && !call) || (end < text.length() && text.charAt(end) == '.')) {
                throw new FilterSyntaxException(
                        start + 1, quote(name) + " is not a field name; qualified names are not supported in filters");
            }
            tokens.add(new Token(Kind.WORD, start + 1, name, null));
        }

        private int identifierEnd(int from) {
            int end = from + 1;
            while (end < text.length() && isIdentifierPart(text.charAt(end))) {
                end++;
            }
            return end;
        }

        private boolean isDateAt(int at) {
            if (at + 10 > text.length()) {
                return false;
            }
            for (int i = 0; i < 10; i++) {
                char c = text.charAt(at + i);
                if ((i == 4 || i == 7) ? c != '-' : !isDigit(c)) {
                    return false;
                }
            }
            return true;
        }

        /** 8-4-4-4-12 hexadecimal digits, not running into a name. */
        private boolean isGuidAt(int at) {
            if (at + 36 > text.length()) {
                return false;
            }
            for (int i = 0; i < 36; i++) {
                char c = text.charAt(at + i);
                if ((i == 8 || i == 13 || i == 18 || i == 23) ? c != '-' : !isHexDigit(c)) {
                    return false;
                }
            }
            return at + 36 == text.length() || (!isIdentifierPart(text.charAt(at + 36)) && text.charAt(at + 36) != '-');
        }

        private static boolean isDateTimePart(char c) {
            return isDigit(c) || c == ':' || c == '.' || c == '+' || c == '-' || c == 'Z' || c == 'z';
        }
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isIdentifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || isDigit(c);
    }

    private static boolean isIdentifier(String name) {
        if (name.isEmpty() || !isIdentifierStart(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!isIdentifierPart(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
