package dev.vegateway.gateway.odata;

import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.ActionDefinition;
import dev.vegateway.catalog.ActionParameter;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.InverseRelation;
import dev.vegateway.catalog.RelationDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.apache.olingo.commons.api.edm.provider.CsdlAbstractEdmProvider;
import org.apache.olingo.commons.api.edm.provider.CsdlAction;
import org.apache.olingo.commons.api.edm.provider.CsdlActionImport;
import org.apache.olingo.commons.api.edm.provider.CsdlComplexType;
import org.apache.olingo.commons.api.edm.provider.CsdlEntityContainer;
import org.apache.olingo.commons.api.edm.provider.CsdlEntityContainerInfo;
import org.apache.olingo.commons.api.edm.provider.CsdlEntitySet;
import org.apache.olingo.commons.api.edm.provider.CsdlEntityType;
import org.apache.olingo.commons.api.edm.provider.CsdlEnumType;
import org.apache.olingo.commons.api.edm.provider.CsdlFunction;
import org.apache.olingo.commons.api.edm.provider.CsdlFunctionImport;
import org.apache.olingo.commons.api.edm.provider.CsdlNavigationProperty;
import org.apache.olingo.commons.api.edm.provider.CsdlNavigationPropertyBinding;
import org.apache.olingo.commons.api.edm.provider.CsdlParameter;
import org.apache.olingo.commons.api.edm.provider.CsdlProperty;
import org.apache.olingo.commons.api.edm.provider.CsdlPropertyRef;
import org.apache.olingo.commons.api.edm.provider.CsdlReferentialConstraint;
import org.apache.olingo.commons.api.edm.provider.CsdlReturnType;
import org.apache.olingo.commons.api.edm.provider.CsdlSchema;

/**
 * The EDM generated from the catalog: one entity type and set per visible entity, one enum type
 * per option set, one action per catalog action (bound ones take the record as their first
 * parameter {@code entity}; unbound ones also get an action import), plus the built-in catalog
 * entity set and the portal mapping sets. Names are the
 * catalog's logical names in the configured namespace (Microsoft.Dynamics.CRM by default, as
 * Dataverse clients expect), except the foreign key of a served n:1 relation, which is the lookup
 * property {@code _<field>_value} ({@link LookupNames}).
 */
final class CatalogEdmProvider extends CsdlAbstractEdmProvider {
    static final String CONTAINER = "System";

    private final Catalog catalog;
    private final String namespace;
    private final RoleOperationsEdm roleOperations;
    private final FullQualifiedName containerName;
    private final LookupNames lookups;

    CatalogEdmProvider(Catalog catalog, String namespace) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.namespace = requireNonNull(namespace, "namespace is null");
        this.lookups = new LookupNames(catalog);
        this.containerName = new FullQualifiedName(namespace, CONTAINER);
        this.roleOperations = new RoleOperationsEdm(namespace);
    }

    private List<EntityDefinition> visibleEntities() {
        List<EntityDefinition> entities = new ArrayList<>();
        for (EntityDefinition entity : catalog.entities()) {
            if (entity.visible()) {
                entities.add(entity);
            }
        }
        entities.add(CatalogEntitySet.DEFINITION);
        entities.addAll(PortalMappingEntitySets.ALL);
        entities.addAll(AdministrationEntitySets.ALL);
        return entities;
    }

    private Optional<EntityDefinition> entityByType(FullQualifiedName name) {
        if (!namespace.equals(name.getNamespace())) {
            return Optional.empty();
        }
        return visibleEntities().stream()
                .filter(entity -> entity.logicalName().equals(name.getName()))
                .findFirst();
    }

    @Override
    public CsdlEntityType getEntityType(FullQualifiedName name) {
        return entityByType(name).map(this::entityType).orElse(null);
    }

    @Override
    public CsdlEntitySet getEntitySet(FullQualifiedName container, String entitySetName) {
        if (!containerName.equals(container)) {
            return null;
        }
        return visibleEntities().stream()
                .filter(entity -> entity.entitySetName().equals(entitySetName))
                .findFirst()
                .map(this::entitySet)
                .orElse(null);
    }

    @Override
    public CsdlEntityContainer getEntityContainer() {
        return new CsdlEntityContainer()
                .setName(CONTAINER)
                .setEntitySets(visibleEntities().stream().map(this::entitySet).toList())
                .setActionImports(visibleActions().stream()
                        .filter(action -> !action.isBound())
                        .map(this::actionImport)
                        .toList())
                .setFunctionImports(List.of(whoAmIImport()));
    }

    /** Dataverse's {@code WhoAmI} function: the caller's user, business unit and organization. */
    static final String WHO_AM_I = "WhoAmI";

    static final String WHO_AM_I_RESPONSE = "WhoAmIResponse";

    @Override
    public CsdlComplexType getComplexType(FullQualifiedName name) {
        return name.equals(new FullQualifiedName(namespace, WHO_AM_I_RESPONSE))
                ? whoAmIResponse()
                : roleOperations.complexType(name).orElse(null);
    }

    @Override
    public CsdlEnumType getEnumType(FullQualifiedName name) {
        return roleOperations.enumType(name).orElse(null);
    }

    @Override
    public List<CsdlFunction> getFunctions(FullQualifiedName name) {
        if (name.equals(new FullQualifiedName(namespace, WHO_AM_I))) {
            return List.of(whoAmI());
        }
        List<CsdlFunction> role = roleOperations.functions(name);
        return role.isEmpty() ? null : role;
    }

    @Override
    public CsdlFunctionImport getFunctionImport(FullQualifiedName container, String functionImportName) {
        return containerName.equals(container) && WHO_AM_I.equals(functionImportName) ? whoAmIImport() : null;
    }

    private CsdlComplexType whoAmIResponse() {
        return new CsdlComplexType()
                .setName(WHO_AM_I_RESPONSE)
                .setProperties(List.of(
                        guidProperty("BusinessUnitId"), guidProperty("UserId"), guidProperty("OrganizationId")));
    }

    private static CsdlProperty guidProperty(String name) {
        return new CsdlProperty()
                .setName(name)
                .setType(EdmPrimitiveTypeKind.Guid.getFullQualifiedName())
                .setNullable(false);
    }

    private CsdlFunction whoAmI() {
        return new CsdlFunction()
                .setName(WHO_AM_I)
                .setBound(false)
                .setComposable(false)
                .setReturnType(new CsdlReturnType()
                        .setType(new FullQualifiedName(namespace, WHO_AM_I_RESPONSE))
                        .setNullable(false));
    }

    private CsdlFunctionImport whoAmIImport() {
        return new CsdlFunctionImport()
                .setName(WHO_AM_I)
                .setFunction(new FullQualifiedName(namespace, WHO_AM_I))
                .setIncludeInServiceDocument(false);
    }

    @Override
    public List<CsdlAction> getActions(FullQualifiedName name) {
        if (!namespace.equals(name.getNamespace())) {
            return null;
        }
        List<CsdlAction> actions = new ArrayList<>(visibleActions().stream()
                .filter(action -> action.name().equals(name.getName()))
                .map(this::action)
                .toList());
        actions.addAll(roleOperations.actions(name));
        return actions.isEmpty() ? null : actions;
    }

    @Override
    public CsdlActionImport getActionImport(FullQualifiedName container, String actionImportName) {
        if (!containerName.equals(container)) {
            return null;
        }
        return visibleActions().stream()
                .filter(action -> !action.isBound() && action.name().equals(actionImportName))
                .findFirst()
                .map(this::actionImport)
                .orElse(null);
    }

    /** The catalog's actions, except those bound to an entity the EDM does not show. */
    private List<ActionDefinition> visibleActions() {
        return catalog.actions().stream()
                .filter(action -> action.boundEntity().isEmpty()
                        || visibleEntities().stream().anyMatch(entity -> entity.logicalName()
                                .equals(action.boundEntity().get())))
                .toList();
    }

    private CsdlAction action(ActionDefinition definition) {
        List<CsdlParameter> parameters = new ArrayList<>();
        definition
                .boundEntity()
                .ifPresent(entity -> parameters.add(new CsdlParameter()
                        .setName("entity")
                        .setType(new FullQualifiedName(namespace, entity))
                        .setNullable(false)));
        for (ActionParameter parameter : definition.parameters()) {
            CsdlParameter csdl = new CsdlParameter().setName(parameter.name()).setNullable(!parameter.required());
            FieldType type = parameter.type();
            csdl.setType(primitive(type));
            type.maxLength().ifPresent(csdl::setMaxLength);
            type.precision().ifPresent(csdl::setPrecision);
            type.scale().ifPresent(csdl::setScale);
            parameters.add(csdl);
        }
        CsdlAction action = new CsdlAction()
                .setName(definition.name())
                .setBound(definition.isBound())
                .setParameters(parameters);
        definition.returns().ifPresent(type -> {
            CsdlReturnType returnType =
                    new CsdlReturnType().setType(primitive(type)).setNullable(true);
            type.maxLength().ifPresent(returnType::setMaxLength);
            type.precision().ifPresent(returnType::setPrecision);
            type.scale().ifPresent(returnType::setScale);
            action.setReturnType(returnType);
        });
        return action;
    }

    private CsdlActionImport actionImport(ActionDefinition definition) {
        return new CsdlActionImport()
                .setName(definition.name())
                .setAction(new FullQualifiedName(namespace, definition.name()));
    }

    /** The EDM primitive type of an action parameter or result (the action types are never Double or Enum). */
    private static FullQualifiedName primitive(FieldType type) {
        EdmPrimitiveTypeKind kind =
                switch (type.kind()) {
                    case STRING -> EdmPrimitiveTypeKind.String;
                    case INT32 -> EdmPrimitiveTypeKind.Int32;
                    case INT64 -> EdmPrimitiveTypeKind.Int64;
                    case DECIMAL -> EdmPrimitiveTypeKind.Decimal;
                    case DOUBLE -> EdmPrimitiveTypeKind.Double;
                    case BOOLEAN -> EdmPrimitiveTypeKind.Boolean;
                    case DATE -> EdmPrimitiveTypeKind.Date;
                    case DATE_TIME_OFFSET -> EdmPrimitiveTypeKind.DateTimeOffset;
                    case GUID -> EdmPrimitiveTypeKind.Guid;
                    case ENUM, MULTI_ENUM -> throw new IllegalArgumentException("an action type is never an Enum");
                };
        return kind.getFullQualifiedName();
    }

    @Override
    public CsdlEntityContainerInfo getEntityContainerInfo(FullQualifiedName name) {
        if (name == null || containerName.equals(name)) {
            return new CsdlEntityContainerInfo().setContainerName(containerName);
        }
        return null;
    }

    @Override
    public List<CsdlSchema> getSchemas() {
        CsdlSchema schema = new CsdlSchema()
                .setNamespace(namespace)
                .setAlias("mscrm")
                .setEntityTypes(visibleEntities().stream().map(this::entityType).toList())
                .setEnumTypes(roleOperations.enumTypes())
                .setActions(concat(visibleActions().stream().map(this::action).toList(), roleOperations.actions()))
                .setComplexTypes(concat(List.of(whoAmIResponse()), roleOperations.complexTypes()))
                .setFunctions(concat(List.of(whoAmI()), roleOperations.functions()))
                .setEntityContainer(getEntityContainer());
        return List.of(schema);
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        List<T> both = new ArrayList<>(first);
        both.addAll(second);
        return both;
    }

    private CsdlEntitySet entitySet(EntityDefinition entity) {
        return new CsdlEntitySet()
                .setName(entity.entitySetName())
                .setType(new FullQualifiedName(namespace, entity.logicalName()))
                .setNavigationPropertyBindings(navigationPropertyBindings(entity));
    }

    /** The entity set's bindings of its single-valued navigation properties, then of its collection-valued ones. */
    private List<CsdlNavigationPropertyBinding> navigationPropertyBindings(EntityDefinition entity) {
        List<CsdlNavigationPropertyBinding> bindings = new ArrayList<>(navigable(entity).stream()
                .map(relation -> new CsdlNavigationPropertyBinding()
                        .setPath(relation.name())
                        .setTarget(catalog.byLogicalName(relation.targetEntity())
                                .orElseThrow()
                                .entitySetName()))
                .toList());
        for (InverseRelation inverse : collectionValued(entity)) {
            bindings.add(new CsdlNavigationPropertyBinding()
                    .setPath(inverse.name())
                    .setTarget(catalog.byLogicalName(inverse.sourceEntity())
                            .orElseThrow()
                            .entitySetName()));
        }
        bindings.addAll(AdministrationEntitySets.navigationPropertyBindings(entity));
        return bindings;
    }

    /** The collection-valued partners of the relations that target the entity, from entities that are served. */
    private List<InverseRelation> collectionValued(EntityDefinition entity) {
        return catalog.inverseRelations(entity.logicalName()).stream()
                .filter(inverse -> catalog.byLogicalName(inverse.sourceEntity())
                        .filter(EntityDefinition::visible)
                        .isPresent())
                .toList();
    }

    /** The single-valued navigation property of each relation, then the collection-valued partner of each inverse. */
    private List<CsdlNavigationProperty> navigationProperties(EntityDefinition entity) {
        List<CsdlNavigationProperty> properties = new ArrayList<>();
        for (RelationDefinition relation : navigable(entity)) {
            properties.add(new CsdlNavigationProperty()
                    .setName(relation.name())
                    .setType(new FullQualifiedName(namespace, relation.targetEntity()))
                    .setNullable(!entity.field(relation.field())
                            .map(FieldDefinition::required)
                            .orElse(false))
                    .setPartner(relation.partnerName(entity.logicalName()))
                    .setReferentialConstraints(List.of(new CsdlReferentialConstraint()
                            .setProperty(lookups.propertyName(entity.logicalName(), relation.field()))
                            .setReferencedProperty(relation.targetField()))));
        }
        for (InverseRelation inverse : collectionValued(entity)) {
            properties.add(new CsdlNavigationProperty()
                    .setName(inverse.name())
                    .setType(new FullQualifiedName(namespace, inverse.sourceEntity()))
                    .setCollection(true)
                    .setPartner(inverse.relation().name()));
        }
        properties.addAll(AdministrationEntitySets.navigationProperties(entity, namespace));
        return properties;
    }

    /** The relations of the entity whose target is served: each is a single-valued navigation property. */
    private List<RelationDefinition> navigable(EntityDefinition entity) {
        return entity.relations().stream()
                .filter(relation -> catalog.byLogicalName(relation.targetEntity())
                        .filter(EntityDefinition::visible)
                        .isPresent())
                .toList();
    }

    private CsdlEntityType entityType(EntityDefinition entity) {
        // The foreign key of a served n:1 relation is the lookup property _<field>_value (LookupNames).
        List<CsdlProperty> properties = entity.fields().stream()
                .map(field -> property(field).setName(lookups.propertyName(entity.logicalName(), field.logicalName())))
                .toList();
        return new CsdlEntityType()
                .setName(entity.logicalName())
                .setProperties(properties)
                .setNavigationProperties(navigationProperties(entity))
                .setKey(List.of(new CsdlPropertyRef().setName(entity.keyField())));
    }

    private CsdlProperty property(FieldDefinition field) {
        CsdlProperty property = new CsdlProperty().setName(field.logicalName()).setNullable(!field.required());
        FieldType type = field.type();
        switch (type.kind()) {
            case STRING -> {
                property.setType(EdmPrimitiveTypeKind.String.getFullQualifiedName());
                type.maxLength().ifPresent(property::setMaxLength);
            }
            case INT32 -> property.setType(EdmPrimitiveTypeKind.Int32.getFullQualifiedName());
            case INT64 -> property.setType(EdmPrimitiveTypeKind.Int64.getFullQualifiedName());
            case DECIMAL -> {
                property.setType(EdmPrimitiveTypeKind.Decimal.getFullQualifiedName());
                type.precision().ifPresent(property::setPrecision);
                type.scale().ifPresent(property::setScale);
            }
            case DOUBLE -> property.setType(EdmPrimitiveTypeKind.Double.getFullQualifiedName());
            case BOOLEAN -> property.setType(EdmPrimitiveTypeKind.Boolean.getFullQualifiedName());
            case DATE -> property.setType(EdmPrimitiveTypeKind.Date.getFullQualifiedName());
            case DATE_TIME_OFFSET -> property.setType(EdmPrimitiveTypeKind.DateTimeOffset.getFullQualifiedName());
            case GUID -> property.setType(EdmPrimitiveTypeKind.Guid.getFullQualifiedName());
                // option sets are Edm.Int32 on the wire, as Dataverse serves them (the option's value)
            case ENUM -> property.setType(EdmPrimitiveTypeKind.Int32.getFullQualifiedName());
                // a multi-select option set is Edm.String on the wire: the option values, comma-separated
            case MULTI_ENUM -> property.setType(EdmPrimitiveTypeKind.String.getFullQualifiedName());
        }
        return property;
    }
}
