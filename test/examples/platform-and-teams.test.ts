// The platform and two teams' programs together (examples/team-service, once per team), synthesized
// offline as `pulumi up` would run them one after the other: where the shared gateway sends each
// request (Istio's merge of their VirtualServices, rules/routes.ts), and whether each team's program
// is allowed everything it creates by the access the platform gave its role (rules/access.ts).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { PROJECT_DIR, RecordedResource, SynthResult, readStackConfig } from "../../synth/engine";
import { manifestsOf } from "../../synth/cli";
import { EKS_ACCESS_POLICIES, EksAccessPolicyName, Grant, ManagedObject, checkAccess, policyGrant } from "../../rules/access";
import { Gateway, VirtualService, gatewayRoutes, routeOverlaps, routeRequest } from "../../rules/routes";
import { cachedSynthesize, synth } from "../harness";

const EXAMPLE = path.join(PROJECT_DIR, "examples", "team-service");
const PLATFORM_STACK = "organization/zero-downtime-eks/dev";
const TEAMS = {
    orders: { principalArn: "arn:aws:iam::123456789012:role/team-orders" },
    payments: { principalArn: "arn:aws:iam::123456789012:role/team-payments", hosts: ["pay.example.com"] },
};
const PLATFORM = { "zero-downtime-eks:teams": TEAMS };
type Team = keyof typeof TEAMS;

async function teamProgram(team: Team): Promise<SynthResult> {
    const platform = await synth("dev", PLATFORM);
    return cachedSynthesize({
        stack: "dev",
        projectDir: EXAMPLE,
        config: { ...readStackConfig("dev", EXAMPLE, EXAMPLE), "team-service:name": team },
        references: { [PLATFORM_STACK]: platform.outputs },
        // What the platform created (the team's namespace, Istio's CRDs) exists before the team's program runs.
        referencedResources: { [PLATFORM_STACK]: platform.resources },
    });
}

/** The VirtualServices of a program, as the API server holds them (created in the order given). */
function virtualServices(resources: RecordedResource[], after: number): VirtualService[] {
    return manifestsOf(resources)
        .filter((m) => m.kind === "VirtualService")
        .map((m, i) => {
            const metadata = m.metadata as { name: string; namespace: string };
            const spec = m.spec as {
                hosts: string[];
                gateways: string[];
                http: { match?: { uri?: { prefix?: string } }[]; route: { destination: { host: string } }[] }[];
            };
            return {
                namespace: metadata.namespace,
                name: metadata.name,
                hosts: spec.hosts,
                gateways: spec.gateways,
                http: spec.http.map((h) => ({ ...(h.match ? { match: h.match } : {}), destination: h.route[0].destination.host })),
                created: after + i,
            };
        });
}

/** The shared Gateway the platform creates. */
function sharedGateway(platform: SynthResult): Gateway {
    const gateway = manifestsOf(platform.resources).find((m) => m.kind === "Gateway");
    assert.ok(gateway);
    const metadata = gateway.metadata as { name: string; namespace: string };
    const spec = gateway.spec as { servers: { port: { number: number }; hosts: string[] }[] };
    return { ...metadata, servers: spec.servers.map((s) => ({ port: s.port.number, hosts: s.hosts })) };
}

/**
 * What the platform's resources give a principal: its access policy associations (policy and scope),
 * and the Roles bound to the groups its access entry names (EKS API Reference, CreateAccessEntry
 * `kubernetesGroups`: both count).
 */
function grantsOf(platform: SynthResult, principalArn: string): Grant[] {
    const of = (type: string) => platform.resources.filter((r) => r.type === type).map((r) => r.inputs as any);
    const policies = of("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
        .filter((a) => a.principalArn === principalArn)
        .map((a) => {
            const policy = String(a.policyArn).split("/").pop() as EksAccessPolicyName;
            assert.ok(policy in EKS_ACCESS_POLICIES, `an access policy rules/access.ts does not model: ${a.policyArn}`);
            return policyGrant(
                policy,
                a.accessScope.type === "cluster" ? { type: "cluster" } : { type: "namespace", namespaces: a.accessScope.namespaces },
            );
        });
    const groups: string[] = of("aws:eks/accessEntry:AccessEntry").find((e) => e.principalArn === principalArn)?.kubernetesGroups ?? [];
    const roles = of("kubernetes:rbac.authorization.k8s.io/v1:Role");
    const bound: Grant[] = of("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
        .filter((b) => b.subjects.some((s: any) => s.kind === "Group" && groups.includes(s.name)))
        .map((b) => {
            const role = roles.find((r) => r.metadata.name === b.roleRef.name && r.metadata.namespace === b.metadata.namespace);
            return {
                source: `Role ${b.metadata.namespace}/${b.roleRef.name}`,
                rules: role.rules,
                scope: { type: "namespace", namespaces: [b.metadata.namespace] },
            };
        });
    return [...policies, ...bound];
}

/** The Kubernetes objects a program creates (its provider is not one). */
function objectsOf(result: SynthResult): ManagedObject[] {
    return manifestsOf(result.resources).map((m) => ({
        apiVersion: m.apiVersion,
        kind: m.kind,
        namespace: (m.metadata as { namespace?: string } | undefined)?.namespace,
        name: String((m.metadata as { name?: string } | undefined)?.name),
    }));
}

describe("the platform and two teams, composed", () => {
    it("issue 23.3: each service is reached at its own host or path through the shared gateway, the platform app still at its own, and no two routes overlap", async () => {
        const platform = await synth("dev", PLATFORM);
        const orders = await teamProgram("orders");
        const payments = await teamProgram("payments");
        // The platform's `pulumi up` comes first, then each team's.
        const all = [
            ...virtualServices(platform.resources, 0),
            ...virtualServices(orders.resources, 100),
            ...virtualServices(payments.resources, 200),
        ];
        assert.equal(all.length, 3);
        const vhosts = gatewayRoutes(sharedGateway(platform), all, 80);
        const entrypoint = String(platform.outputs.ingressHost);
        const at = (host: string, p: string) => routeRequest(vhosts, host, p)?.destination;
        assert.equal(at(entrypoint, "/"), "web.web.svc.cluster.local");
        assert.equal(at(entrypoint, "/index.html"), "web.web.svc.cluster.local");
        assert.equal(at(entrypoint, "/orders/"), "orders.orders.svc.cluster.local");
        assert.equal(at(entrypoint, "/orders/api/v1"), "orders.orders.svc.cluster.local");
        assert.equal(at("pay.example.com", "/"), "payments.payments.svc.cluster.local");
        assert.equal(at("pay.example.com", "/charge"), "payments.payments.svc.cluster.local");
        assert.deepEqual(routeOverlaps(vhosts), []);
        // The url each program reports is where the model says it is reached.
        assert.equal(orders.outputs.url, `http://${entrypoint}/orders/`);
        assert.equal(payments.outputs.url, "http://pay.example.com/");
    });

    it("issue 23.3: with the old component's routes (hosts * and no match for everyone) the platform app takes every request and the teams are refused as overlapping", async () => {
        const platform = await synth("dev", PLATFORM);
        const old = (namespace: string, created: number): VirtualService => ({
            namespace,
            name: namespace,
            hosts: ["*"],
            gateways: ["istio-ingress/platform"],
            http: [{ destination: `${namespace}.${namespace}.svc.cluster.local` }],
            created,
        });
        const gateway: Gateway = { ...sharedGateway(platform), servers: [{ port: 80, hosts: ["*"] }] };
        const vhosts = gatewayRoutes(gateway, [old("web", 0), old("orders", 1), old("payments", 2)], 80);
        assert.equal(routeRequest(vhosts, "any", "/orders/")?.destination, "web.web.svc.cluster.local");
        assert.deepEqual(
            routeOverlaps(vhosts).map((o) => o.shadowed.owner),
            ["orders/orders", "payments/payments", "payments/payments"],
        );
    });

    it("issue 23.2: each team's program is allowed everything it creates by the access its role is given, in its namespace only", async () => {
        const platform = await synth("dev", PLATFORM);
        for (const team of Object.keys(TEAMS) as Team[]) {
            const objects = objectsOf(await teamProgram(team));
            assert.ok(objects.some((o) => o.kind === "VirtualService"));
            assert.ok(
                objects.every((o) => o.namespace === team),
                `${team} creates outside its namespace`,
            );
            const grants = grantsOf(platform, TEAMS[team].principalArn);
            assert.deepEqual(
                grants.map((g) => g.source),
                [`AmazonEKSEditPolicy (namespace ${team})`, `Role ${team}/mesh-routing`],
            );
            assert.deepEqual(
                checkAccess(objects, grants).map((r) => r.message),
                [],
            );
        }
        // Scoped: orders' role could not deploy payments' objects.
        const refused = checkAccess(objectsOf(await teamProgram("payments")), grantsOf(platform, TEAMS.orders.principalArn));
        assert.ok(refused.length > 0 && refused.every((r) => r.request.namespace === "payments"));
    });
});
