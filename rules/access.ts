// Who may do what in the cluster: the EKS access policies the platform associates with IAM
// principals, the Kubernetes RBAC it adds beside them, and what a Pulumi program asks of the API
// server to manage an object. Pure: no Pulumi import (config validation, the tests and a team's own
// checks call it with plain objects).
//
// Why a model: EKS access policies are evaluated by the EKS authorizer, not by Kubernetes RBAC, so
// nothing in the cluster shows what they allow (no ClusterRole to read), and RBAC aggregation (the
// `aggregate-to-edit` labels on Istio's or anyone's ClusterRoles) does not extend them. A team given
// `AmazonEKSEditPolicy` in its namespace can create a Deployment but neither an Istio VirtualService
// nor its own Namespace; `pulumi up` finds out minutes in, with a 403. With the published policies as
// data, the same refusal is found before anything is created.
//
// Sources:
// - Policies: awsdocs/amazon-eks-user-guide latest/ug/manage-access/k8s-access/access-policy-reference.adoc
//   ("Review access policy permissions": allow-only rules, each row of each table a separate rule).
// - Scope: EKS user guide, "Associate access policies with access entries" (access-policies.adoc): with
//   `type: namespace` the policy's permissions apply only in the listed namespaces, so such an
//   association never allows a cluster-scoped object (a Namespace) or another namespace.
// - Groups: EKS API Reference, CreateAccessEntry `kubernetesGroups`: the principal has "all permissions
//   assigned in the associated access policies and all permissions in any Kubernetes Role or ClusterRole
//   objects that the group names are bound to" (the union of what both authorizers allow).
// - What Pulumi asks: pulumi/pulumi-kubernetes provider/pkg/await (v4.32.0; the same calls on main @
//   9497796): await.go creates with Create (server-side apply creates with Create too), reads with Get,
//   updates with a server-side-apply Patch, deletes with Delete and then waits on an informer of the
//   object's kind (list, watch) and an event aggregator (events: list, watch); deployment.go,
//   service.go and ingress.go watch the kinds in AWAITED as well.

/** A Kubernetes RBAC-style rule: every combination of its groups, resources and verbs is allowed; `*` matches any. */
export interface PolicyRule {
    /** API groups; `""` is the core group. */
    apiGroups: string[];
    /** Resources (plural, lower case), subresources as `pods/log`. */
    resources: string[];
    verbs: string[];
}

const CORE = "";
const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];

function rule(apiGroup: string, resources: string[], verbs: string[]): PolicyRule {
    return { apiGroups: [apiGroup], resources, verbs };
}

const APPS_WRITE = ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale"];
const APPS_READ = ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status"];
const APPS_SETS_READ = [
    "replicasets",
    "replicasets/scale",
    "replicasets/status",
    "statefulsets",
    "statefulsets/scale",
    "statefulsets/status",
];
const EXT_WRITE = ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses", "networkpolicies"];
const EXT_READ = ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses"];
const EXT_READ_MORE = ["ingresses/status", "networkpolicies", "replicasets", "replicasets/scale", "replicasets/status"];
const CORE_READ = ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers"];
const CORE_READ_MORE = ["replicationcontrollers/scale", "serviceaccounts", "services", "services/status"];
const CORE_STATUS_READ = [
    "bindings",
    "events",
    "limitranges",
    "namespaces/status",
    "pods/log",
    "pods/status",
    "replicationcontrollers/status",
];
const QUOTAS = ["resourcequotas", "resourcequotas/status"];
const POD_ACCESS = ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy"];
const CORE_WRITE = ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets"];

/** AmazonEKSViewPolicy, row by row (access-policy-reference.adoc, "AmazonEKSViewPolicy"). */
const VIEW: PolicyRule[] = [
    rule("apps", [...APPS_READ, ...APPS_SETS_READ], READ),
    rule("autoscaling", ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
    rule("batch", ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
    rule("discovery.k8s.io", ["endpointslices"], READ),
    rule("extensions", [...EXT_READ, ...EXT_READ_MORE, "replicationcontrollers/scale"], READ),
    rule("networking.k8s.io", ["ingresses", "ingresses/status", "networkpolicies"], READ),
    rule("policy", ["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
    rule(CORE, [...CORE_READ, ...CORE_READ_MORE], READ),
    rule(CORE, [...CORE_STATUS_READ, ...QUOTAS], READ),
    rule(CORE, ["namespaces"], READ),
];

/** AmazonEKSEditPolicy, row by row (access-policy-reference.adoc, "AmazonEKSEditPolicy"). */
const EDIT: PolicyRule[] = [
    rule("apps", [...APPS_WRITE, "statefulsets", "statefulsets/scale"], WRITE),
    rule("apps", [...APPS_READ, ...APPS_SETS_READ], READ),
    rule("autoscaling", ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
    rule("autoscaling", ["horizontalpodautoscalers"], WRITE),
    rule("batch", ["cronjobs", "jobs"], WRITE),
    rule("batch", ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
    rule("discovery.k8s.io", ["endpointslices"], READ),
    rule("extensions", [...EXT_WRITE, "replicasets", "replicasets/scale", "replicationcontrollers/scale"], WRITE),
    rule("extensions", [...EXT_READ, ...EXT_READ_MORE, "replicationcontrollers/scale"], READ),
    rule("networking.k8s.io", ["ingresses", "networkpolicies"], WRITE),
    rule("networking.k8s.io", ["ingresses", "ingresses/status", "networkpolicies"], READ),
    rule("policy", ["poddisruptionbudgets"], WRITE),
    rule("policy", ["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
    rule(CORE, ["namespaces"], READ),
    rule(CORE, [...POD_ACCESS, "secrets", "services/proxy"], READ),
    rule(CORE, ["serviceaccounts"], ["impersonate"]),
    rule(CORE, ["pods", ...POD_ACCESS], WRITE),
    rule(CORE, [...CORE_WRITE, "serviceaccounts", "services", "services/proxy"], WRITE),
    rule(CORE, [...CORE_READ, ...CORE_READ_MORE], READ),
    rule(CORE, [...CORE_STATUS_READ, ...QUOTAS], READ),
];

/**
 * AmazonEKSAdminPolicy (access-policy-reference.adoc, "AmazonEKSAdminPolicy"): every row of Edit (the
 * reference lists them in another order) and two more: local subject access reviews, and Roles and
 * RoleBindings.
 */
const ADMIN: PolicyRule[] = [
    ...EDIT,
    rule("authorization.k8s.io", ["localsubjectaccessreviews"], ["create"]),
    rule(
        "rbac.authorization.k8s.io",
        ["rolebindings", "roles"],
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    ),
];

/** AmazonEKSClusterAdminPolicy: every verb on every resource of every group (and every non-resource URL). */
const CLUSTER_ADMIN: PolicyRule[] = [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }];

/** The AWS-owned access policies this platform associates, by name (components/cluster-access.ts maps config levels to them). */
export const EKS_ACCESS_POLICIES = {
    AmazonEKSClusterAdminPolicy: CLUSTER_ADMIN,
    AmazonEKSAdminPolicy: ADMIN,
    AmazonEKSEditPolicy: EDIT,
    AmazonEKSViewPolicy: VIEW,
} as const satisfies Record<string, PolicyRule[]>;
export type EksAccessPolicyName = keyof typeof EKS_ACCESS_POLICIES;

/** Where a grant applies: the whole cluster, or only namespaced requests in these namespaces. */
export type AccessScope = { type: "cluster" } | { type: "namespace"; namespaces: string[] };

/** One source of permissions a principal holds: an associated access policy, or a Role/ClusterRole bound to one of its groups. */
export interface Grant {
    /** For messages: e.g. `AmazonEKSEditPolicy (namespace orders)` or `Role orders/mesh-routing`. */
    source: string;
    rules: PolicyRule[];
    scope: AccessScope;
}

/** One request to the Kubernetes API server. */
export interface ApiRequest {
    apiGroup: string;
    resource: string;
    verb: string;
    /** The request's namespace; undefined for a cluster-scoped object. */
    namespace: string | undefined;
}

function matches(list: string[], value: string): boolean {
    return list.includes("*") || list.includes(value);
}

function inScope(scope: AccessScope, namespace: string | undefined): boolean {
    return scope.type === "cluster" || (namespace !== undefined && scope.namespaces.includes(namespace));
}

/** The grant that allows the request, if any: RBAC's rule matching, within each grant's scope. */
export function allowedBy(grants: Grant[], request: ApiRequest): Grant | undefined {
    return grants.find(
        (g) =>
            inScope(g.scope, request.namespace) &&
            g.rules.some(
                (r) => matches(r.apiGroups, request.apiGroup) && matches(r.resources, request.resource) && matches(r.verbs, request.verb),
            ),
    );
}

/** A grant of an EKS access policy, as an access policy association with this scope creates it. */
export function policyGrant(policy: EksAccessPolicyName, scope: AccessScope): Grant {
    const where = scope.type === "cluster" ? "cluster" : `namespace ${scope.namespaces.join(", ")}`;
    return { source: `${policy} (${where})`, rules: EKS_ACCESS_POLICIES[policy], scope };
}

/** What the API server calls an object's kind: its resource (plural) and whether it lives in a namespace. */
interface KindInfo {
    resource: string;
    namespaced: boolean;
}

// Resource names and scopes from the Kubernetes API reference (each kind's "HTTP request" paths) and,
// for Istio's kinds, the CRDs' `spec.names.plural` and `spec.scope` (istio/istio manifests/charts/base
// files/crd-all.gen.yaml, 1.30). A kind missing here is refused by name, never guessed.
const KINDS: Record<string, KindInfo> = {
    "v1/Namespace": { resource: "namespaces", namespaced: false },
    "v1/Service": { resource: "services", namespaced: true },
    "v1/ServiceAccount": { resource: "serviceaccounts", namespaced: true },
    "v1/ConfigMap": { resource: "configmaps", namespaced: true },
    "v1/Secret": { resource: "secrets", namespaced: true },
    "apps/v1/Deployment": { resource: "deployments", namespaced: true },
    "autoscaling/v2/HorizontalPodAutoscaler": { resource: "horizontalpodautoscalers", namespaced: true },
    "policy/v1/PodDisruptionBudget": { resource: "poddisruptionbudgets", namespaced: true },
    "networking.k8s.io/v1/Ingress": { resource: "ingresses", namespaced: true },
    "networking.istio.io/v1/VirtualService": { resource: "virtualservices", namespaced: true },
    "networking.istio.io/v1/DestinationRule": { resource: "destinationrules", namespaced: true },
    "rbac.authorization.k8s.io/v1/Role": { resource: "roles", namespaced: true },
    "rbac.authorization.k8s.io/v1/RoleBinding": { resource: "rolebindings", namespaced: true },
};

/** The verbs Pulumi's Kubernetes provider uses on an object it manages (see the header). */
export const MANAGE_VERBS = ["create", "get", "patch", "delete", "list", "watch"] as const;

/** Kinds whose create/update await watches other kinds too, as `group/resource` (provider/pkg/await, v4.32.0). */
const AWAITED: Record<string, { apiGroup: string; resource: string }[]> = {
    // deployment.go: deployments, replicasets, pods, persistentvolumeclaims.
    "apps/v1/Deployment": [
        { apiGroup: "apps", resource: "replicasets" },
        { apiGroup: CORE, resource: "pods" },
        { apiGroup: CORE, resource: "persistentvolumeclaims" },
    ],
    // service.go: services, endpoints.
    "v1/Service": [{ apiGroup: CORE, resource: "endpoints" }],
    // ingress.go: ingresses, endpoints, services.
    "networking.k8s.io/v1/Ingress": [
        { apiGroup: CORE, resource: "endpoints" },
        { apiGroup: CORE, resource: "services" },
    ],
};

/** An object a program creates: its apiVersion, kind and (for namespaced kinds) namespace. */
export interface ManagedObject {
    apiVersion: string;
    kind: string;
    namespace: string | undefined;
    /** For messages, e.g. the Pulumi resource name. */
    name: string;
}

/** A request the grants refuse, said as the API server's 403 would be, with the object that needs it. */
export interface Refusal {
    object: string;
    request: ApiRequest;
    message: string;
}

function groupOf(apiVersion: string): string {
    return apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : CORE;
}

/** Every request Pulumi makes to manage `object` (create, read, update, delete and their awaits). Throws on a kind it does not know. */
export function requestsToManage(object: ManagedObject): ApiRequest[] {
    const key = `${object.apiVersion}/${object.kind}`;
    const info = KINDS[key];
    if (info === undefined) {
        throw new Error(
            `rules/access.ts does not know the kind ${key} (of ${object.name}): add its resource name and scope to KINDS, from the API reference`,
        );
    }
    const namespace = info.namespaced ? object.namespace : undefined;
    const own = MANAGE_VERBS.map((verb) => ({ apiGroup: groupOf(object.apiVersion), resource: info.resource, verb, namespace }));
    const watched = [...(AWAITED[key] ?? []), { apiGroup: CORE, resource: "events" }].flatMap((w) =>
        ["list", "watch"].map((verb) => ({ ...w, verb, namespace: object.namespace })),
    );
    return [...own, ...watched];
}

/** Every request managing `objects` needs that `grants` do not allow, one refusal per object and request. */
export function checkAccess(objects: ManagedObject[], grants: Grant[]): Refusal[] {
    const refusals: Refusal[] = [];
    for (const object of objects) {
        for (const request of requestsToManage(object)) {
            if (allowedBy(grants, request) === undefined) {
                const what = `${request.apiGroup === CORE ? "" : `${request.apiGroup}/`}${request.resource}`;
                const where = request.namespace === undefined ? "at the cluster scope" : `in namespace ${request.namespace}`;
                refusals.push({
                    object: object.name,
                    request,
                    message: `${object.name} (${object.kind}): cannot ${request.verb} ${what} ${where}; granted: ${grants.map((g) => g.source).join(", ") || "nothing"}`,
                });
            }
        }
    }
    return refusals;
}

/**
 * What a team's deployer needs beyond `AmazonEKSEditPolicy` in its namespace to run ZeroDowntimeService
 * behind the mesh: its VirtualService and DestinationRule (networking.istio.io), with the verbs Pulumi
 * uses. The platform grants it with a Role and a RoleBinding to the team's group (the access policy
 * cannot be extended, and Istio's aggregated ClusterRoles do not reach it).
 */
export const MESH_ROUTING_RULES: PolicyRule[] = [
    { apiGroups: ["networking.istio.io"], resources: ["virtualservices", "destinationrules"], verbs: [...MANAGE_VERBS] },
];
