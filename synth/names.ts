// The names model on a synthesized program: every name it hands AWS — given, autonamed from a
// logical name, made by a remote component for its children, or asked of the load balancer
// controller through an annotation — checked by rules/aws-names.ts. The engine runs it after every synth.
import * as fs from "fs";
import * as path from "path";
import { AWS_NAMED_TYPES, AwsName, NAME_RULES, checkAwsName } from "../rules/aws-names";
import { Violation } from "../rules/timing";
import type { RecordedResource } from "./engine";

/** The pulumi-eks version whose children this model knows (package.json pins it). */
export const PULUMI_EKS_MODELLED = "4.3.0";

/** A remote component whose children this model does not know: failing is safer than passing. */
export class UnmodelledNamesError extends Error {}

function installedEks(): string {
    const pkg = path.join(path.dirname(require.resolve("@pulumi/eks")), "package.json");
    return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
}

/**
 * Names AWS gets from a remote component's children, which the mocks never see. pulumi-eks v4.3.0
 * nodejs/eks/cluster/cluster.ts: without `serviceRole`, ServiceRole `<name>-eksRole`, whose
 * servicerole.ts creates aws.iam.Role `<name>-eksRole-role` (autonamed); aws.eks.Cluster
 * `<name>-eksCluster` named `name` (autonamed without it). nodes/nodegroup.ts: ManagedNodeGroup
 * creates aws.eks.NodeGroup `<name>` named `nodeGroupName` (autonamed without it). awsx v3
 * ec2/vpc.ts: the VPC's children (subnets, route tables, gateways, EIPs) take no names, only Name tags.
 */
export function remoteChildNames(r: RecordedResource): AwsName[] {
    const given = (value: unknown) => typeof value === "string";
    switch (r.type) {
        case "eks:index:Cluster": {
            // Other branches create more named children (security groups, a default node group's
            // instance role and profile); this model knows only what the program asks for.
            if (r.inputs.skipDefaultNodeGroup !== true || r.inputs.skipDefaultSecurityGroups !== true) {
                throw new UnmodelledNamesError(
                    `${r.name}: the names model knows pulumi-eks's children only with skipDefaultNodeGroup and skipDefaultSecurityGroups (synth/names.ts)`,
                );
            }
            return [
                ...(r.inputs.serviceRole === undefined
                    ? [
                          {
                              resource: `${r.name} (pulumi-eks ServiceRole ${r.name}-eksRole)`,
                              kind: "iamRole" as const,
                              name: `${r.name}-eksRole-role`,
                              autoname: AWS_NAMED_TYPES["aws:iam/role:Role"]?.autoname,
                          },
                      ]
                    : []),
                given(r.inputs.name)
                    ? { resource: r.name, kind: "eksCluster" as const, name: String(r.inputs.name) }
                    : {
                          resource: r.name,
                          kind: "eksCluster" as const,
                          name: `${r.name}-eksCluster`,
                          autoname: { property: "name", maxLength: 255 },
                      },
            ];
        }
        case "eks:index:ManagedNodeGroup":
            if (r.inputs.nodeRole === undefined && r.inputs.nodeRoleArn === undefined) {
                throw new UnmodelledNamesError(
                    `${r.name}: the names model knows pulumi-eks's ManagedNodeGroup only with a node role (synth/names.ts)`,
                );
            }
            return [
                given(r.inputs.nodeGroupName)
                    ? { resource: r.name, kind: "eksNodeGroup", name: String(r.inputs.nodeGroupName) }
                    : {
                          resource: r.name,
                          kind: "eksNodeGroup",
                          name: r.name,
                          autoname: AWS_NAMED_TYPES["aws:eks/nodeGroup:NodeGroup"]?.autoname,
                      },
            ];
        case "awsx:ec2:Vpc":
            return [];
        default:
            return [];
    }
}

/**
 * Annotations by which a Kubernetes object asks the load balancer controller for a named load
 * balancer (aws-load-balancer-controller docs/guide/ingress/annotations.md `load-balancer-name`;
 * docs/guide/service/annotations.md `aws-load-balancer-name`, v3.5.0).
 */
const LOAD_BALANCER_NAME_ANNOTATIONS: Record<string, string> = {
    "kubernetes:networking.k8s.io/v1:Ingress": "alb.ingress.kubernetes.io/load-balancer-name",
    "kubernetes:core/v1:Service": "service.beta.kubernetes.io/aws-load-balancer-name",
};

/** Every name the program hands AWS, and the AWS types it creates that no rule covers. */
export function awsNames(resources: RecordedResource[]): { names: AwsName[]; unknownTypes: RecordedResource[] } {
    if (resources.some((r) => r.type.startsWith("eks:")) && installedEks() !== PULUMI_EKS_MODELLED) {
        throw new UnmodelledNamesError(
            `@pulumi/eks ${installedEks()} is installed, but the names model knows the children of ${PULUMI_EKS_MODELLED}: read its cluster.ts and nodegroup.ts and update synth/names.ts`,
        );
    }
    const names: AwsName[] = [];
    const unknownTypes: RecordedResource[] = [];
    for (const r of resources) {
        names.push(...remoteChildNames(r));
        const annotation = LOAD_BALANCER_NAME_ANNOTATIONS[r.type];
        const lbName = ((r.inputs.metadata ?? {}) as { annotations?: Record<string, unknown> }).annotations?.[annotation ?? ""];
        if (annotation && typeof lbName === "string") {
            names.push({ resource: r.name, kind: "loadBalancer", name: lbName });
        }
        if (!r.type.startsWith("aws:")) {
            continue;
        }
        if (!(r.type in AWS_NAMED_TYPES)) {
            unknownTypes.push(r);
            continue;
        }
        const named = AWS_NAMED_TYPES[r.type];
        if (named === null) {
            continue;
        }
        const value = r.inputs[named.property];
        if (typeof value === "string") {
            names.push({ resource: r.name, kind: named.kind, name: value });
        } else if (value === undefined && named.autoname) {
            names.push({ resource: r.name, kind: named.kind, name: r.name, autoname: named.autoname });
        }
    }
    return { names, unknownTypes };
}

/** Every name AWS or pulumi-aws would refuse, and every AWS type without a name rule. */
export function checkNames(resources: RecordedResource[]): (Violation & { resource: string })[] {
    const { names, unknownTypes } = awsNames(resources);
    return [
        ...names.flatMap(checkAwsName),
        ...unknownTypes.map((r) => ({
            rule: "aws-name-unknown-type",
            resource: r.name,
            fields: [],
            message: `${r.name}: the program creates ${r.type}, which has no name rule, so its name goes unchecked`,
            fix: `add ${r.type} to AWS_NAMED_TYPES in rules/aws-names.ts, with its API reference (${Object.keys(NAME_RULES).length} rules exist)`,
        })),
    ];
}
