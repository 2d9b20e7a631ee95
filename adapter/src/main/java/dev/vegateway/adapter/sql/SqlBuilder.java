package dev.vegateway.adapter.sql;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.query.ColumnRef;
import dev.vegateway.catalog.TableName;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds SQL text and its parameters side by side. Only constants, catalog identifiers and
 * {@code ?} placeholders ever enter the text.
 */
final class SqlBuilder {
    private final Dialect dialect;
    private final StringBuilder sql = new StringBuilder(256);
    private final List<Object> parameters = new ArrayList<>();

    SqlBuilder(Dialect dialect) {
        this.dialect = requireNonNull(dialect, "dialect is null");
    }

    /** Appends constant SQL written in this code base, never request text. */
    SqlBuilder keyword(String constantSql) {
        sql.append(constantSql);
        return this;
    }

    SqlBuilder identifier(ColumnRef column) {
        if (column.field().computed()) {
            sql.append(DerivedSql.expression(dialect, column.relationAlias(), column.field()));
            return this;
        }
        sql.append(column.relationAlias())
                .append('.')
                .append(dialect.quoteIdentifier(column.field().column()));
        return this;
    }

    /** A column of the statement's one table, unqualified (UPDATE ... SET, INSERT column lists). */
    SqlBuilder column(dev.vegateway.catalog.FieldDefinition field) {
        if (field.computed()) {
            throw new IllegalStateException(field.logicalName() + " is computed from the key and never written");
        }
        sql.append(dialect.quoteIdentifier(field.column()));
        return this;
    }

    SqlBuilder table(TableName table, String alias) {
        table.schema()
                .ifPresent(schema -> sql.append(dialect.quoteIdentifier(schema)).append('.'));
        sql.append(dialect.quoteIdentifier(table.name()));
        if (!alias.isEmpty()) {
            sql.append(' ').append(alias);
        }
        return this;
    }

    SqlBuilder parameter(Object value) {
        requireNonNull(value, "a parameter is never null: null is syntax (IS NULL)");
        sql.append('?');
        parameters.add(value);
        return this;
    }

    Dialect dialect() {
        return dialect;
    }

    PreparedSql build() {
        return new PreparedSql(sql.toString(), parameters);
    }
}
