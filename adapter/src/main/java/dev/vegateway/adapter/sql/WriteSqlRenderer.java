package dev.vegateway.adapter.sql;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.plan.KeyConditions;
import dev.vegateway.adapter.query.ColumnRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Renders the statements of the write path for one row: values are parameters (null is the
 * keyword), identifiers come from the catalog, row security is a conjunct of the WHERE clause
 * exactly as for reads. The table alias of reads ({@code t0}) is used so that a row-scope
 * condition planned for reads applies unchanged.
 */
public final class WriteSqlRenderer {
    private final SqlRenderer conditions;
    private final Dialect dialect;

    public WriteSqlRenderer(Dialect dialect) {
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.conditions = new SqlRenderer(dialect);
    }

    /** {@code INSERT INTO table (columns) VALUES (...)}. */
    public PreparedSql insert(EntityDefinition entity, Map<FieldDefinition, Object> values) {
        SqlBuilder sql = new SqlBuilder(dialect)
                .keyword("INSERT INTO ")
                .table(entity.table(), "")
                .keyword(" (");
        int index = 0;
        for (FieldDefinition field : values.keySet()) {
            if (index++ > 0) {
                sql.keyword(", ");
            }
            sql.column(field);
        }
        sql.keyword(") VALUES (");
        index = 0;
        for (Object value : values.values()) {
            if (index++ > 0) {
                sql.keyword(", ");
            }
            value(sql, value);
        }
        return sql.keyword(")").build();
    }

    /**
     * An INSERT that answers the new row's derived GUID key (an entity with a natural key, whose
     * GUID the backend computes, from a RecId the database may fill): {@code INSERT … RETURNING}
     * on PostgreSQL, {@code SELECT … FROM FINAL TABLE (INSERT …)} on H2.
     */
    public PreparedSql insertReturningKey(EntityDefinition entity, String alias, Map<FieldDefinition, Object> values) {
        PreparedSql insert = insert(entity, values);
        String prefix = new SqlBuilder(dialect)
                .keyword("INSERT INTO ")
                .table(entity.table(), "")
                .build()
                .sql();
        String rest = insert.sql().substring(prefix.length());
        String table = prefix.substring("INSERT INTO ".length());
        String key = new SqlBuilder(dialect)
                .identifier(new ColumnRef(alias, entity.key()))
                .build()
                .sql();
        return new PreparedSql(dialect.insertReturning(table, alias, rest, key), insert.parameters());
    }

    /** The row with this key if {@code scope} lets the caller act on it, locked for the rest of the transaction. */
    public PreparedSql selectForUpdate(
            EntityDefinition entity, String alias, List<FieldDefinition> columns, UUID key, Condition scope) {
        SqlBuilder sql = new SqlBuilder(dialect).keyword("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sql.keyword(", ");
            }
            sql.identifier(new ColumnRef(alias, columns.get(i)));
        }
        sql.keyword(" FROM ").table(entity.table(), alias);
        keyAndScope(sql, entity, alias, key, scope);
        return sql.keyword(" FOR UPDATE").build();
    }

    /** {@code SELECT 1 ... WHERE key = ? AND (scope)}: whether the row is inside the scope (after a write). */
    public PreparedSql inScope(EntityDefinition entity, String alias, UUID key, Condition scope) {
        SqlBuilder sql = new SqlBuilder(dialect).keyword("SELECT 1 FROM ").table(entity.table(), alias);
        keyAndScope(sql, entity, alias, key, scope);
        return sql.build();
    }

    /** {@code UPDATE table SET ..., version = version + 1 WHERE key = ? [AND version = ?]}. */
    public PreparedSql update(
            EntityDefinition entity,
            String alias,
            Map<FieldDefinition, Object> values,
            UUID key,
            Optional<Long> expectedVersion) {
        SqlBuilder sql = new SqlBuilder(dialect)
                .keyword("UPDATE ")
                .table(entity.table(), alias)
                .keyword(" SET ");
        int index = 0;
        for (Map.Entry<FieldDefinition, Object> entry : values.entrySet()) {
            if (index++ > 0) {
                sql.keyword(", ");
            }
            sql.column(entry.getKey()).keyword(" = ");
            value(sql, entry.getValue());
        }
        Optional<FieldDefinition> version = entity.rowVersionField().flatMap(entity::field);
        // A change-tracked entity's version comes from its change counter, among the values; any other's counts up.
        if (version.isPresent() && !values.containsKey(version.get())) {
            if (index > 0) {
                sql.keyword(", ");
            }
            sql.column(version.get())
                    .keyword(" = ")
                    .identifier(new ColumnRef(alias, version.get()))
                    .keyword(" + 1");
        }
        sql.keyword(" WHERE (");
        conditions.condition(sql, KeyConditions.keyEquals(entity, alias, key));
        sql.keyword(")");
        if (expectedVersion.isPresent() && version.isPresent()) {
            sql.keyword(" AND ")
                    .identifier(new ColumnRef(alias, version.get()))
                    .keyword(" = ")
                    .parameter(expectedVersion.get());
        }
        return sql.build();
    }

    /** {@code SELECT MAX(version) FROM table}: the highest row version a change-tracked entity's table holds. */
    public PreparedSql maxRowVersion(EntityDefinition entity) {
        FieldDefinition version = entity.rowVersionField()
                .flatMap(entity::field)
                .orElseThrow(() -> new IllegalArgumentException(entity.logicalName() + " has no row version"));
        return new SqlBuilder(dialect)
                .keyword("SELECT MAX(")
                .column(version)
                .keyword(") FROM ")
                .table(entity.table(), "")
                .build();
    }

    /** {@code DELETE FROM table WHERE key = ? [AND version = ?]}. */
    public PreparedSql delete(EntityDefinition entity, String alias, UUID key, Optional<Long> expectedVersion) {
        SqlBuilder sql = new SqlBuilder(dialect).keyword("DELETE FROM ").table(entity.table(), alias);
        sql.keyword(" WHERE (");
        conditions.condition(sql, KeyConditions.keyEquals(entity, alias, key));
        sql.keyword(")");
        Optional<FieldDefinition> version = entity.rowVersionField().flatMap(entity::field);
        if (expectedVersion.isPresent() && version.isPresent()) {
            sql.keyword(" AND ")
                    .identifier(new ColumnRef(alias, version.get()))
                    .keyword(" = ")
                    .parameter(expectedVersion.get());
        }
        return sql.build();
    }

    private void keyAndScope(SqlBuilder sql, EntityDefinition entity, String alias, UUID key, Condition scope) {
        sql.keyword(" WHERE (");
        conditions.condition(sql, KeyConditions.keyEquals(entity, alias, key));
        sql.keyword(") AND (");
        conditions.condition(sql, scope);
        sql.keyword(")");
    }

    private static void value(SqlBuilder sql, Object value) {
        if (value == null) {
            sql.keyword("NULL");
        } else {
            sql.parameter(value);
        }
    }
}
