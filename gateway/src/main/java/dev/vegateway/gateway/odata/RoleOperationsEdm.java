package dev.vegateway.gateway.odata;

import java.util.List;
import java.util.Optional;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.apache.olingo.commons.api.edm.provider.CsdlAction;
import org.apache.olingo.commons.api.edm.provider.CsdlComplexType;
import org.apache.olingo.commons.api.edm.provider.CsdlEnumMember;
import org.apache.olingo.commons.api.edm.provider.CsdlEnumType;
import org.apache.olingo.commons.api.edm.provider.CsdlFunction;
import org.apache.olingo.commons.api.edm.provider.CsdlParameter;
import org.apache.olingo.commons.api.edm.provider.CsdlProperty;
import org.apache.olingo.commons.api.edm.provider.CsdlReturnType;

/**
 * The declarations in {@code $metadata} of Dataverse's operations on a role's privileges, which
 * {@code RolePrivilegeOperations} answers: the actions {@code AddPrivilegesRole},
 * {@code ReplacePrivilegesRole} and {@code RemovePrivilegeRole} and the function
 * {@code RetrieveRolePrivilegesRole}, all bound to {@code role}, with the types they use
 * ({@code PrivilegeDepth}, {@code RolePrivilege}, {@code RetrieveRolePrivilegesRoleResponse}) in
 * Dataverse's names and shapes, so that a client building its calls from the metadata finds them.
 */
final class RoleOperationsEdm {
    static final String PRIVILEGE_DEPTH = "PrivilegeDepth";
    static final String ROLE_PRIVILEGE = "RolePrivilege";
    static final String RETRIEVE_RESPONSE = "RetrieveRolePrivilegesRoleResponse";
    static final String ADD = "AddPrivilegesRole";
    static final String REPLACE = "ReplacePrivilegesRole";
    static final String REMOVE = "RemovePrivilegeRole";
    static final String RETRIEVE = "RetrieveRolePrivilegesRole";
    /** The depths a role privilege can have here, with Dataverse's values. */
    private static final List<String> DEPTHS = List.of("Basic", "Local", "Deep", "Global");

    private final String namespace;

    RoleOperationsEdm(String namespace) {
        this.namespace = namespace;
    }

    List<CsdlEnumType> enumTypes() {
        List<CsdlEnumMember> members = new java.util.ArrayList<>();
        for (int value = 0; value < DEPTHS.size(); value++) {
            members.add(new CsdlEnumMember().setName(DEPTHS.get(value)).setValue(Integer.toString(value)));
        }
        return List.of(new CsdlEnumType()
                .setName(PRIVILEGE_DEPTH)
                .setUnderlyingType(EdmPrimitiveTypeKind.Int32.getFullQualifiedName())
                .setMembers(members));
    }

    List<CsdlComplexType> complexTypes() {
        return List.of(
                new CsdlComplexType()
                        .setName(ROLE_PRIVILEGE)
                        .setProperties(List.of(
                                property("BusinessUnitId", EdmPrimitiveTypeKind.Guid.getFullQualifiedName()),
                                property("Depth", type(PRIVILEGE_DEPTH)),
                                property("PrivilegeId", EdmPrimitiveTypeKind.Guid.getFullQualifiedName()),
                                property("PrivilegeName", EdmPrimitiveTypeKind.String.getFullQualifiedName()))),
                new CsdlComplexType()
                        .setName(RETRIEVE_RESPONSE)
                        .setProperties(List.of(
                                property("RolePrivileges", type(ROLE_PRIVILEGE)).setCollection(true))));
    }

    List<CsdlAction> actions() {
        CsdlParameter privileges = new CsdlParameter()
                .setName("Privileges")
                .setType(type(ROLE_PRIVILEGE))
                .setCollection(true)
                .setNullable(false);
        return List.of(
                new CsdlAction().setName(ADD).setBound(true).setParameters(List.of(role(), privileges)),
                new CsdlAction().setName(REPLACE).setBound(true).setParameters(List.of(role(), privileges)),
                new CsdlAction()
                        .setName(REMOVE)
                        .setBound(true)
                        .setParameters(List.of(
                                role(),
                                new CsdlParameter()
                                        .setName("PrivilegeId")
                                        .setType(EdmPrimitiveTypeKind.Guid.getFullQualifiedName())
                                        .setNullable(false))));
    }

    List<CsdlFunction> functions() {
        return List.of(new CsdlFunction()
                .setName(RETRIEVE)
                .setBound(true)
                .setComposable(false)
                .setParameters(List.of(role()))
                .setReturnType(
                        new CsdlReturnType().setType(type(RETRIEVE_RESPONSE)).setNullable(false)));
    }

    Optional<CsdlEnumType> enumType(FullQualifiedName name) {
        return enumTypes().stream()
                .filter(type -> type(type.getName()).equals(name))
                .findFirst();
    }

    Optional<CsdlComplexType> complexType(FullQualifiedName name) {
        return complexTypes().stream()
                .filter(type -> type(type.getName()).equals(name))
                .findFirst();
    }

    List<CsdlAction> actions(FullQualifiedName name) {
        return actions().stream()
                .filter(action -> type(action.getName()).equals(name))
                .toList();
    }

    List<CsdlFunction> functions(FullQualifiedName name) {
        return functions().stream()
                .filter(function -> type(function.getName()).equals(name))
                .toList();
    }

    private CsdlParameter role() {
        return new CsdlParameter()
                .setName("entity")
                .setType(type(AdministrationEntitySets.ROLES.logicalName()))
                .setNullable(false);
    }

    private FullQualifiedName type(String name) {
        return new FullQualifiedName(namespace, name);
    }

    private static CsdlProperty property(String name, FullQualifiedName type) {
        return new CsdlProperty().setName(name).setType(type);
    }
}
