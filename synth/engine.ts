// The one harness that evaluates the real index.ts without a Pulumi CLI, credentials or network:
// Pulumi's mock monitor stands in for the engine, and every registration is recorded as it would
// be sent to the engine (type, name, parent, dependencies, inputs). Tests and `npm run synth` both
// call `synthesize`.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_DIR, SECRET, StackFileError, projectName, readStackConfig } from "../stacks/stack-file";
import { withLeanStackTraces } from "./stack-traces";
import { checkOrder } from "./order";
import { checkNames } from "./names";
import { resolvePulumiEntry } from "./entry";

export { PROJECT_DIR, SECRET, StackFileError, projectName, readStackConfig };

/** Account ID the mocks pretend to deploy into (AWS's documentation example account). */
export const MOCK_ACCOUNT = "123456789012";

/** One resource as the engine would have received it. */
export interface RecordedResource {
    type: string;
    name: string;
    /** Name of the parent resource; null for the stack itself. */
    parent: string | null;
    /** Names of the resources this one waits for on create and outlives on delete. */
    dependsOn: string[];
    inputs: Record<string, unknown>;
    /** Set (true) only when the resource is protected from deletion. */
    protect?: true;
    /** Set (true) only when a replacement deletes the old resource before creating the new one. */
    deleteBeforeReplace?: true;
    /** Set (true) only when `pulumi destroy` (or removing it from the program) leaves the cloud resource in place. */
    retainOnDelete?: true;
    /** Name of the explicit provider the resource (or, for a remote component, its AWS children) uses. */
    provider?: string;
    /** URNs the resource was known by before (its `aliases` given as URNs); absent when none. */
    aliases?: string[];
}

export interface SynthResult {
    stack: string;
    resources: RecordedResource[];
    /** Stack outputs, secrets replaced by {@link SECRET}. */
    outputs: Record<string, unknown>;
    /** Names of the outputs that are secret. */
    secretOutputs: string[];
}

export interface SynthOptions {
    /** Stack name, e.g. `dev`. */
    stack: string;
    /** Flat config map (`namespace:key` → string, structured values as JSON). Defaults to `Pulumi.<stack>.yaml`. */
    config?: Record<string, string>;
    /** Project directory (holds Pulumi.yaml and index.ts). */
    projectDir?: string;
    /**
     * Outputs of the stacks the program reads with `StackReference`, by stack name (as
     * `outputs.json` of their own synth writes them; `[secret]` marks a secret output).
     */
    references?: Record<string, Record<string, unknown>>;
    /**
     * Loads the program's entry file (resolved with Pulumi's own rule, synth/entry.ts). Default: this
     * module's `require`. A caller that must load it as plain Node does (no TypeScript hooks: a team's
     * compiled program, test/packages) passes its own.
     */
    load?: (entry: string) => unknown;
    /**
     * What the referenced stacks created, by stack name (their synth's `resources.json`): their
     * namespaces and CRDs exist before this program runs, so the order model counts them as there.
     */
    referencedResources?: Record<string, RecordedResource[]>;
    /** What the AWS account already holds and who runs the deployment; default {@link FIRST_UP}. */
    account?: MockAccount;
    /** Receives every registration as the engine sees it, also those of a run that then fails. */
    registrations?: RecordedResource[];
}

/**
 * The program as recorded cannot deploy: a create whose precondition nothing before it provides
 * (synth/order.ts), or a name AWS or pulumi-aws refuses (synth/names.ts). Every problem at once.
 */
export class DeployModelError extends Error {
    constructor(
        readonly stack: string,
        readonly violations: { rule: string; message: string; fix: string }[],
    ) {
        super(
            `the deploy model refuses stack ${stack} (${violations.length} problem${violations.length === 1 ? "" : "s"}):\n` +
                violations.map((v) => `  - [${v.rule}] ${v.message}; fix: ${v.fix}`).join("\n"),
        );
        this.name = "DeployModelError";
    }
}

/**
 * The AWS account as the program's read-only lookups see it: who runs `pulumi up` and what a
 * previous `up` left behind. The mocks answer STS, IAM, EKS and EC2 lookups from it.
 */
export interface MockAccount {
    /**
     * What STS GetCallerIdentity returns: an IAM user `arn:aws:iam::<account>:user/<name>`, or an
     * assumed-role session `arn:aws:sts::<account>:assumed-role/<role name>/<session>`.
     */
    callerArn: string;
    /** ARNs of the account's IAM roles, with their paths (what iam:GetRole returns for each name). */
    roles: string[];
    /** Names of the region's EKS clusters (eks:ListClusters). */
    clusters: string[];
    /** The region's subnets (ec2:DescribeSubnets). */
    subnets: MockSubnet[];
}

export interface MockSubnet {
    id: string;
    cidrBlock: string;
    availabilityZone: string;
    tags: Record<string, string>;
}

/** A brand-new stack's first `pulumi up`: an IAM user deploys, nothing exists yet. */
export const FIRST_UP: MockAccount = {
    callerArn: `arn:aws:iam::${MOCK_ACCOUNT}:user/deployer`,
    roles: [],
    clusters: [],
    subnets: [],
};

/** A StackReference to a stack whose outputs the synth was not given. */
export class UnknownStackReferenceError extends Error {}

/**
 * The state of a StackReference as the Pulumi service returns it (sdk/nodejs/stackReference.ts:
 * `outputs` and `secretOutputNames`), from the referenced stack's `outputs.json`.
 */
export function stackReferenceState(name: string, references: Record<string, Record<string, unknown>>): Record<string, unknown> {
    const outputs = references[name];
    if (outputs === undefined) {
        throw new UnknownStackReferenceError(
            `the program reads stack ${name} with a StackReference, but no outputs were given for it (npm run synth -- --reference ${name}=<its outputs.json>)`,
        );
    }
    return { name, outputs, secretOutputNames: Object.keys(outputs).filter((k) => outputs[k] === SECRET) };
}

function shortHash(text: string): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, 17);
}

/** Name of a URN's resource (its last `::` segment). */
function urnName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

// Signature Pulumi uses to mark a secret value on the wire (sdk/nodejs/runtime/rpc.ts).
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Makes inputs JSON-friendly: resources become their names, secrets the placeholder. */
function plain(value: unknown): unknown {
    if (pulumi.Resource.isInstance(value)) {
        return (value as unknown as { __name: string }).__name;
    }
    if (Array.isArray(value)) {
        return value.map(plain);
    }
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) {
            return SECRET;
        }
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) {
            if (v !== undefined) {
                out[k] = plain(v);
            }
        }
        return out;
    }
    return value;
}

/** An invoke the mocks do not know: the program asked AWS something nobody modelled. */
export class UnknownInvokeError extends Error {}

/**
 * Results of the invokes the program makes, in the shape the provider returns. Anything else
 * throws: echoing the inputs back (Pulumi's default) would hide a lookup nobody modelled.
 */
export function mockInvoke(
    token: string,
    inputs: Record<string, unknown>,
    region: string,
    account: MockAccount = FIRST_UP,
): Record<string, unknown> {
    switch (token) {
        case "aws:eks/getAddonVersion:getAddonVersion": {
            // pulumi-aws eks/getAddonVersion.d.ts GetAddonVersionResult: addonName, id, kubernetesVersion,
            // mostRecent, region, version. EKS add-on versions look like `v1.19.2-eksbuild.1`
            // (DescribeAddonVersions); the number here is a stand-in, the format is EKS's.
            const minor = Number(String(inputs.kubernetesVersion).split(".")[1]);
            return {
                ...inputs,
                id: String(inputs.addonName),
                region,
                version: `v1.${minor}.0-eksbuild.1`,
            };
        }
        case "aws:lb/getLoadBalancer:getLoadBalancer": {
            // pulumi-aws lb/getLoadBalancer.d.ts GetLoadBalancerResult (the fields the program reads, and
            // their neighbours): an ALB's ARN is `…:loadbalancer/app/<name>/<16 hex>` and its ARN suffix
            // `app/<name>/<16 hex>` (the CloudWatch LoadBalancer dimension, ALB user guide).
            const name = String(inputs.name);
            const lbId = shortHash(`alb/${name}`).slice(0, 16);
            return {
                ...inputs,
                arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT}:loadbalancer/app/${name}/${lbId}`,
                arnSuffix: `app/${name}/${lbId}`,
                dnsName: `${name}-${lbId.slice(0, 9)}.${region}.elb.amazonaws.com`,
                id: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT}:loadbalancer/app/${name}/${lbId}`,
                internal: false,
                loadBalancerType: "application",
                name,
                region,
                // In AWS, ELB's hosted zone for the region (AWS General Reference, Elastic Load Balancing
                // endpoints); a stand-in of that shape, which nothing in the program reads yet.
                zoneId: `Z${lbId.toUpperCase().slice(0, 12)}`,
            };
        }
        case "aws:lb/getListener:getListener": {
            // pulumi-aws lb/getListener.d.ts GetListenerResult and types/output.d.ts lb.GetListenerDefaultAction:
            // a listener ARN is `…:listener/app/<lb name>/<lb id>/<16 hex>` (ELB API reference, Listener); the
            // controller makes the Ingress's defaultBackend the default action, a forward to its target group
            // (aws-load-balancer-controller pkg/ingress/model_build_listener.go, v3.5.0), which it names
            // `k8s-<namespace>-<service>-<hash>`. The group may come back in `targetGroupArn` or in `forwards`
            // (ELB API reference, Action: TargetGroupArn or ForwardConfig); the mock fills both, and the program
            // reads either (components/entrypoint.ts forwardedTargetGroupArn).
            const lbArn = String(inputs.loadBalancerArn);
            const port = Number(inputs.port);
            const lbPath = lbArn.slice(lbArn.indexOf(":loadbalancer/") + ":loadbalancer/".length);
            const id = shortHash(`listener/${lbArn}/${port}`).slice(0, 16);
            const tgId = shortHash(`tg/${lbArn}`).slice(0, 16);
            const tgArn = `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT}:targetgroup/k8s-${tgId.slice(0, 10)}/${tgId}`;
            const none: never[] = [];
            return {
                ...inputs,
                alpnPolicy: "",
                arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT}:listener/${lbPath}/${id}`,
                certificateArn: "",
                defaultActions: [
                    {
                        authenticateCognitos: none,
                        authenticateOidcs: none,
                        fixedResponses: none,
                        forwards: [{ stickinesses: [{ duration: 3600, enabled: false }], targetGroups: [{ arn: tgArn, weight: 1 }] }],
                        jwtValidations: none,
                        order: 1,
                        redirects: none,
                        targetGroupArn: tgArn,
                        type: "forward",
                    },
                ],
                id: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT}:listener/${lbPath}/${id}`,
                loadBalancerArn: lbArn,
                mutualAuthentications: none,
                port,
                protocol: port === 443 ? "HTTPS" : "HTTP",
                region,
                sslPolicy: "",
                tags: {},
            };
        }
        case "aws:index/getPartition:getPartition":
            // pulumi-aws getPartition.d.ts GetPartitionResult: dnsSuffix, id, partition, reverseDnsPrefix;
            // the commercial partition's values (AWS General Reference, "ARNs": partition `aws`, amazonaws.com).
            return { dnsSuffix: "amazonaws.com", id: "aws", partition: "aws", reverseDnsPrefix: "com.amazonaws" };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            // pulumi-aws getCallerIdentity.d.ts GetCallerIdentityResult: accountId, arn, id, userId (STS
            // GetCallerIdentity). UserId is the user's unique ID (`AIDA…`) for a user and `<role id>:<session>`
            // for an assumed role (STS API reference, GetCallerIdentity; IAM user guide, "Unique identifiers").
            return {
                accountId: MOCK_ACCOUNT,
                arn: account.callerArn,
                id: MOCK_ACCOUNT,
                userId: callerUserId(account.callerArn),
            };
        case "aws:iam/getSessionContext:getSessionContext": {
            // pulumi-aws iam/getSessionContext.d.ts GetSessionContextResult: arn, id, issuerArn, issuerId,
            // issuerName, sessionName. terraform-provider-aws internal/service/iam/session_context_data_source.go:
            // id is the ARN; for an `sts` ARN whose resource is `assumed-role/<role>/<session>` it looks the
            // role up by name (iam:GetRole, so the issuer ARN carries the role's path) and fails when it
            // cannot; any other ARN is its own issuer, the other fields empty.
            const arn = String(inputs.arn);
            const session = assumedRole(arn);
            if (session === undefined) {
                return { arn, id: arn, issuerArn: arn, issuerId: "", issuerName: "", sessionName: "" };
            }
            const role = roleOfSession({ ...account, callerArn: arn });
            return {
                arn,
                id: arn,
                issuerArn: role.arn,
                issuerId: uniqueId("AROA", session.role),
                issuerName: session.role,
                sessionName: session.session,
            };
        }
        case "aws:eks/getClusters:getClusters":
            // pulumi-aws eks/getClusters.d.ts GetClustersResult: id, names, region; terraform-provider-aws
            // internal/service/eks/clusters_data_source.go: eks:ListClusters, id = the region.
            return { id: region, names: [...account.clusters], region };
        case "aws:ec2/getSubnets:getSubnets":
            // pulumi-aws ec2/getSubnets.d.ts GetSubnetsResult: filters, id, ids, region, tags;
            // terraform-provider-aws internal/service/ec2/vpc_subnets_data_source.go: tags become `tag:<key>`
            // filters, ec2:DescribeSubnets, id = the region.
            return {
                ...inputs,
                id: region,
                ids: account.subnets.filter((s) => subnetMatches(s, inputs)).map((s) => s.id),
                region,
                tags: inputs.tags ?? {},
            };
        default:
            throw new UnknownInvokeError(
                `the mocks do not know the invoke ${token} (inputs ${JSON.stringify(inputs)}): add its real result shape to mockInvoke in synth/engine.ts, with its source`,
            );
    }
}

/** Role and session of an STS assumed-role ARN (`arn:aws:sts::<account>:assumed-role/<role>/<session>`), else undefined. */
function assumedRole(arn: string): { role: string; session: string } | undefined {
    const m = /^arn:[^:]+:sts::\d{12}:assumed-role\/(.+)\/(.{2,})$/.exec(arn);
    if (m === null) {
        return undefined;
    }
    const parts = `${m[1]}/${m[2]}`.split("/");
    return { role: parts[parts.length - 2], session: parts[parts.length - 1] };
}

/** The account's role an assumed-role caller came from, as iam:GetRole finds it by name; throws (as GetRole's NoSuchEntity) when absent. */
function roleOfSession(account: MockAccount): { arn: string } {
    const name = assumedRole(account.callerArn)?.role;
    const arn = account.roles.find((r) => r.slice(r.lastIndexOf("/") + 1) === name);
    if (arn === undefined) {
        throw new Error(
            `unable to get role (${String(name)}): NoSuchEntity (the mock account has no such role; add it to MockAccount.roles)`,
        );
    }
    return { arn };
}

/** STS GetCallerIdentity's UserId: the user's unique ID, or `<role's unique ID>:<session>` for an assumed role. */
function callerUserId(callerArn: string): string {
    const session = assumedRole(callerArn);
    return session ? `${uniqueId("AROA", session.role)}:${session.session}` : uniqueId("AIDA", callerArn);
}

/** An IAM unique ID of the given prefix (`AIDA` users, `AROA` roles: IAM user guide, "Unique identifiers"), 21 characters. */
function uniqueId(prefix: string, of: string): string {
    return `${prefix}${shortHash(of).toUpperCase()}`;
}

/** DescribeSubnets filters the mocks model: `tag:<key>`, `cidr-block` and `vpc-id` (EC2 API reference, DescribeSubnets). */
function subnetMatches(subnet: MockSubnet, inputs: Record<string, unknown>): boolean {
    const filters = [
        ...Object.entries((inputs.tags as Record<string, string> | undefined) ?? {}).map(([k, v]) => ({ name: `tag:${k}`, values: [v] })),
        ...((inputs.filters as { name: string; values: string[] }[] | undefined) ?? []),
    ];
    return filters.every((f) => {
        if (f.name.startsWith("tag:")) {
            return f.values.includes(subnet.tags[f.name.slice(4)]);
        }
        if (f.name === "cidr-block") {
            return f.values.includes(subnet.cidrBlock);
        }
        throw new UnknownInvokeError(
            `the mocks do not model the DescribeSubnets filter ${f.name}: add it to subnetMatches in synth/engine.ts, with its source`,
        );
    });
}

/** Outputs of a remote (multi-language) component or a provider-computed field, as AWS would return them. */
export function mockState(type: string, name: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
    const id = shortHash(`${type}/${name}`);
    switch (type) {
        case "awsx:ec2:Vpc": {
            // pulumi-awsx schema.json (v3.8.0, same 17 outputs in the installed 3.9.0 ec2/vpc.d.ts): every
            // output is required; resource-typed ones come back as the resources' own outputs.
            const azs = Number(inputs.numberOfAvailabilityZones ?? 3);
            const subnet = (kind: string, i: number) => ({ id: `subnet-${kind}${i}${id.slice(0, 8)}`, vpcId: `vpc-${id}` });
            const publicSubnets = Array.from({ length: azs }, (_, i) => subnet("a", i));
            const privateSubnets = Array.from({ length: azs }, (_, i) => subnet("b", i));
            const strategy = (inputs.natGateways as { strategy?: string } | undefined)?.strategy;
            const natCount = strategy === "None" ? 0 : strategy === "Single" ? 1 : azs;
            const natGateways = Array.from({ length: natCount }, (_, i) => ({ id: `nat-${i}${id.slice(0, 16)}` }));
            return {
                vpc: { id: `vpc-${id}`, cidrBlock: inputs.cidrBlock, arn: `arn:aws:ec2:${region}:${MOCK_ACCOUNT}:vpc/vpc-${id}` },
                vpcId: `vpc-${id}`,
                subnets: [...publicSubnets, ...privateSubnets],
                publicSubnets,
                privateSubnets,
                isolatedSubnets: [],
                publicSubnetIds: publicSubnets.map((x) => x.id),
                privateSubnetIds: privateSubnets.map((x) => x.id),
                isolatedSubnetIds: [],
                routeTables: [],
                routeTableAssociations: [],
                routes: [],
                internetGateway: { id: `igw-${id}` },
                natGateways,
                eips: natGateways.map((_, i) => ({ id: `eipalloc-${i}${id.slice(0, 16)}` })),
                subnetLayout: [{ type: "Public" }, { type: "Private" }],
                vpcEndpoints: [],
            };
        }
        case "eks:index:Cluster": {
            // pulumi-eks v4.3.0 nodejs/eks/cluster/cluster.ts: `oidcProviderUrl` is the cluster's
            // identities[0].oidcs[0].issuer, WITH https:// (terraform-provider-aws cluster_test.go checks
            // ^https://); `oidcIssuer` is the same without the scheme; `oidcProviderArn` is the IAM OIDC
            // provider's ARN. Kubeconfig from generateKubeconfig() in the same file. Outputs from
            // provider/cmd/pulumi-resource-eks/schema.json; `awsProvider` is in the schema but never set
            // by the provider (cmd/provider/cluster.ts), so it is left out here too.
            const issuerHost = `oidc.eks.${region}.amazonaws.com/id/${id.toUpperCase()}`;
            const clusterName = typeof inputs.name === "string" ? inputs.name : `${name}-eksCluster-${id.slice(0, 7)}`;
            const endpoint = `https://${id.toUpperCase()}.gr7.${region}.eks.amazonaws.com`;
            const certificateData = Buffer.from(`mock CA of ${clusterName}`).toString("base64");
            const clusterSecurityGroupId = `sg-${id}`;
            const eksCluster = {
                name: clusterName,
                arn: `arn:aws:eks:${region}:${MOCK_ACCOUNT}:cluster/${clusterName}`,
                endpoint,
                version: inputs.version,
                status: "ACTIVE",
                certificateAuthority: { data: certificateData },
                identities: [{ oidcs: [{ issuer: `https://${issuerHost}` }] }],
                vpcConfig: { clusterSecurityGroupId, vpcId: inputs.vpcId, endpointPrivateAccess: true, endpointPublicAccess: true },
            };
            const kubeconfig = {
                apiVersion: "v1",
                clusters: [{ cluster: { server: endpoint, "certificate-authority-data": certificateData }, name: "kubernetes" }],
                contexts: [{ context: { cluster: "kubernetes", user: "aws" }, name: "aws" }],
                "current-context": "aws",
                kind: "Config",
                users: [
                    {
                        name: "aws",
                        user: {
                            exec: {
                                apiVersion: "client.authentication.k8s.io/v1beta1",
                                command: "aws",
                                args: ["--region", region, "eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
                                env: [{ name: "KUBERNETES_EXEC_INFO", value: '{"apiVersion": "client.authentication.k8s.io/v1beta1"}' }],
                            },
                        },
                    },
                ],
            };
            return {
                autoModeNodeRoleName: "",
                clusterIngressRuleId: "",
                clusterSecurityGroupId,
                core: { cluster: eksCluster, endpoint, vpcId: inputs.vpcId, tags: inputs.tags },
                defaultNodeGroupAsgName: "",
                eksCluster,
                fargateProfileId: "",
                fargateProfileStatus: "",
                instanceRoles: [],
                kubeconfig,
                kubeconfigJson: JSON.stringify(kubeconfig),
                nodeSecurityGroupId: clusterSecurityGroupId,
                oidcIssuer: issuerHost,
                oidcProviderArn: `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/${issuerHost}`,
                oidcProviderUrl: `https://${issuerHost}`,
            };
        }
        case "eks:index:ManagedNodeGroup": {
            // pulumi-eks v4.3.0 schema.json: outputs nodeGroup (aws:eks/nodeGroup:NodeGroup) and
            // placementGroupName ("" without EFA). NodeGroup id is `<cluster>:<node group>` and its ARN
            // `arn:aws:eks:<region>:<account>:nodegroup/<cluster>/<node group>/<uuid>` (terraform-provider-aws
            // eks_node_group docs and node_group_test.go).
            const clusterName = typeof inputs.cluster === "string" ? inputs.cluster : "cluster";
            const nodeGroupName = `${name}-${id.slice(0, 8)}`;
            return {
                nodeGroup: {
                    id: `${clusterName}:${nodeGroupName}`,
                    arn: `arn:aws:eks:${region}:${MOCK_ACCOUNT}:nodegroup/${clusterName}/${nodeGroupName}/${id.slice(0, 8)}-${id.slice(8, 12)}`,
                    nodeGroupName,
                    status: "ACTIVE",
                    resources: [
                        { autoscalingGroups: [{ name: `eks-${nodeGroupName}-${id.slice(0, 8)}` }], remoteAccessSecurityGroupId: "" },
                    ],
                },
                placementGroupName: "",
            };
        }
        case "kubernetes:networking.k8s.io/v1:Ingress":
            // The controller writes the ALB's DNS name into the Ingress status once the ALB exists; the API
            // server gives every object a UID.
            return {
                ...inputs,
                metadata: { ...(inputs.metadata as Record<string, unknown>), uid: uuidOf(id) },
                status: {
                    loadBalancer: { ingress: [{ hostname: `k8s-${id.slice(0, 8)}-${id.slice(8, 16)}.${region}.elb.amazonaws.com` }] },
                },
            };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            // EC2 CreateLaunchTemplate: IDs `lt-` + 17 hex; a new template's latest version is 1.
            return {
                ...inputs,
                arn: `arn:aws:ec2:${region}:${MOCK_ACCOUNT}:launch-template/lt-${id}`,
                latestVersion: 1,
                defaultVersion: 1,
            };
        case "aws:iam/role:Role":
        case "aws:iam/policy:Policy": {
            // IAM is global: `arn:aws:iam::<account>:role/<name>` (IAM User Guide, "IAM identifiers"); the
            // provider names unnamed roles and policies `<resource name>-<7 random chars>`.
            const physical = typeof inputs.name === "string" ? inputs.name : `${name}-${id.slice(0, 7)}`;
            const kind = type === "aws:iam/role:Role" ? "role" : "policy";
            return { ...inputs, name: physical, arn: `arn:aws:iam::${MOCK_ACCOUNT}:${kind}/${physical}` };
        }
        case "random:index/randomPassword:RandomPassword":
            // pulumi-random randomPassword.d.ts: `result` (secret) of `length` characters, letters and
            // digits when `special` is false; a stand-in of that shape (the SDK marks it secret).
            return {
                ...inputs,
                result: crypto
                    .createHash("sha256")
                    .update(name)
                    .digest("hex")
                    .slice(0, Number(inputs.length ?? 16)),
            };
        case "aws:acm/certificate:Certificate": {
            // pulumi-aws types/output.d.ts acm.CertificateDomainValidationOption: domainName, resourceRecordName,
            // resourceRecordType, resourceRecordValue. ACM's DNS validation record is a CNAME
            // `_<hash>.<domain>.` → `_<hash>.<…>.acm-validations.aws.` (ACM User Guide, "DNS validation").
            const domain = String(inputs.domainName);
            return {
                ...inputs,
                arn: `arn:aws:acm:${region}:${MOCK_ACCOUNT}:certificate/${uuidOf(`${type}/${name}`)}`,
                domainValidationOptions: [
                    {
                        domainName: domain,
                        resourceRecordName: `_${id.slice(0, 16)}.${domain}.`,
                        resourceRecordType: "CNAME",
                        resourceRecordValue: `_${id}.mhbtsbpdnt.acm-validations.aws.`,
                    },
                ],
            };
        }
        case "aws:sqs/queue:Queue": {
            // SQS: ARN `arn:aws:sqs:<region>:<account>:<queue>`, URL `https://sqs.<region>.amazonaws.com/<account>/<queue>`
            // (botocore sqs service-2.json CreateQueue QueueUrl; SQS Developer Guide, "queue and message identifiers").
            const queue = typeof inputs.name === "string" ? inputs.name : `${name}-${id.slice(0, 7)}`;
            return {
                ...inputs,
                name: queue,
                arn: `arn:aws:sqs:${region}:${MOCK_ACCOUNT}:${queue}`,
                url: `https://sqs.${region}.amazonaws.com/${MOCK_ACCOUNT}/${queue}`,
            };
        }
        default: {
            const [, module] = type.split(":");
            const service = module.split("/")[0];
            return {
                ...inputs,
                name: inputs.name ?? `${name}-${id.slice(0, 7)}`,
                arn: `arn:aws:${service}:${region}:${MOCK_ACCOUNT}:${name}`,
            };
        }
    }
}

/** A UUID-shaped identifier (Kubernetes metadata.uid) derived from a hash. */
function uuidOf(hash: string): string {
    const h = crypto.createHash("sha256").update(hash).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

type MonitorLike = { registerResource: (req: RegisterRequest, cb: unknown) => Promise<void> };
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
    getProtect(): boolean | undefined;
    getDeletebeforereplace(): boolean;
    getRetainondelete(): boolean | undefined;
    getProvider(): string;
    getProvidersMap(): { get(key: string): string | undefined };
    getAliasesList(): { getUrn(): string }[];
}

/** The aliases a registration gives as URNs (an alias given as a spec has no URN and is not recorded). */
function aliasesOf(req: RegisterRequest): { aliases?: string[] } {
    const urns = req
        .getAliasesList()
        .map((a) => a.getUrn())
        .filter((u) => u !== "");
    return urns.length > 0 ? { aliases: urns } : {};
}

function withProvider(name: string | undefined): { provider?: string } {
    return name === undefined ? {} : { provider: name };
}

/** Name of the provider in a provider reference (`<urn>::<id>`). */
function providerName(ref: string | undefined): string | undefined {
    if (!ref) {
        return undefined;
    }
    const urn = ref.slice(0, ref.lastIndexOf("::"));
    const name = urnName(urn);
    // Default providers are the engine's own, not the program's.
    return name.startsWith("default") ? undefined : name;
}

async function resolve(value: pulumi.Output<unknown>): Promise<{ value: unknown; secret: boolean }> {
    const internal = value as unknown as { promise(): Promise<unknown>; isSecret: Promise<boolean> };
    return { value: await internal.promise(), secret: await internal.isSecret };
}

/**
 * Evaluates the project's index.ts for one stack under mocks and returns every resource it
 * registered and its outputs. Throws the program's own error (e.g. the settings report) on failure.
 */
export function synthesize(options: SynthOptions): Promise<SynthResult> {
    return withLeanStackTraces(() => evaluate(options));
}

async function evaluate(options: SynthOptions): Promise<SynthResult> {
    const projectDir = options.projectDir ?? PROJECT_DIR;
    const project = projectName(projectDir);
    const config = options.config ?? readStackConfig(options.stack, projectDir, projectDir);
    const region = config["aws:region"] ?? "us-east-1";

    const inputsByUrnName = new Map<string, Record<string, unknown>>();
    const referenceErrors: unknown[] = [];
    const recorded: RecordedResource[] = [];
    const mocks: pulumi.runtime.Mocks = {
        newResource(args) {
            if (args.type === "pulumi:pulumi:StackReference") {
                // A read (the SDK passes the stack name as the resource id), never a registration. A stack
                // nobody gave outputs for reads as empty (a failed read would reject every promise of the
                // resource, long after the run) and fails the run once it is over.
                const stackName = String((args.inputs as { name?: unknown }).name);
                try {
                    return { id: String(args.id ?? args.name), state: stackReferenceState(stackName, options.references ?? {}) };
                } catch (err) {
                    referenceErrors.push(err);
                    return { id: String(args.id ?? args.name), state: { name: stackName, outputs: {}, secretOutputNames: [] } };
                }
            }
            const inputs = plain(args.inputs) as Record<string, unknown>;
            inputsByUrnName.set(`${args.type}::${args.name}`, inputs);
            return { id: `${args.name}-id`, state: mockState(args.type, args.name, args.inputs as Record<string, unknown>, region) };
        },
        call(args) {
            return mockInvoke(args.token, args.inputs as Record<string, unknown>, region, options.account);
        },
    };
    await pulumi.runtime.setMocks(mocks, project, options.stack, false);
    pulumi.runtime.setAllConfig(
        config,
        Object.keys(config).filter((k) => config[k] === SECRET),
    );

    // Wrap the mock monitor to see what only the engine sees: parent and dependencies.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): MonitorLike; waitForRPCs(): Promise<void> };
    const monitor = settings.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = async (req, cb) => {
        await register(req, cb);
        const record: RecordedResource = {
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent() ? urnName(req.getParent()) : null,
            dependsOn: [...new Set(req.getDependenciesList().map(urnName))].sort(),
            inputs: inputsByUrnName.get(`${req.getType()}::${req.getName()}`) ?? {},
            ...(req.getProtect() === true ? { protect: true as const } : {}),
            ...(req.getDeletebeforereplace() ? { deleteBeforeReplace: true as const } : {}),
            ...(req.getRetainondelete() === true ? { retainOnDelete: true as const } : {}),
            ...aliasesOf(req),
            ...withProvider(providerName(req.getProvider()) ?? providerName(req.getProvidersMap().get("aws"))),
        };
        recorded.push(record);
        options.registrations?.push(record);
    };

    // The file `pulumi up` would run in this project, by Pulumi's rule (not an assumed index.ts).
    const entry = resolvePulumiEntry(projectDir).file;
    delete require.cache[require.resolve(entry)];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = options.load ?? ((file: string) => require(file) as unknown);
    // Like Pulumi's Node language host, treat a rejection nobody handled as the program failing, and
    // be its only listener while the program runs: a refused deployment (stacks/preflight.ts) rejects
    // every resource that waits for the stack's provider, and another listener (a test runner's)
    // would take each of those for a failure of its own.
    const programErrors: unknown[] = [];
    const onUnhandled = (err: unknown) => programErrors.push(err);
    const otherListeners = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", onUnhandled);
    // The module's exports are the stack outputs; keep them as Outputs to see which are secret.
    let exported: Record<string, unknown> = {};
    try {
        await pulumi.runtime.runInPulumiStack(() => {
            // A program that throws while loading (bad settings) fails the run; catching it here
            // keeps the Stack's own promises from rejecting a second time, unhandled.
            try {
                const loaded = load(entry) as Record<string, unknown> | (() => Promise<Record<string, unknown>>);
                // A program may export an async function (Pulumi's language host awaits it for the outputs).
                // Its rejection is the program's error; handed to the Stack it would reject every
                // promise of the Stack's outputs, unhandled, after the run.
                if (typeof loaded === "function") {
                    return loaded().then(
                        (outputs) => (exported = outputs),
                        (err: unknown) => {
                            programErrors.push(err);
                            return exported;
                        },
                    );
                }
                exported = loaded;
            } catch (err) {
                programErrors.push(err);
            }
            return Promise.resolve(exported);
        });
        // Registrations finish asynchronously; wait until the RPC queue has drained.
        await settings.waitForRPCs();
    } catch (err) {
        programErrors.unshift(err);
    } finally {
        if (programErrors.length > 0) {
            // A failed run leaves promises to reject (a failed read, or a missing stack output,
            // rejects every promise of its Output, a few turns apart): keep them the program's until
            // three event-loop turns pass with no new one (bounded; no timer).
            await settings.waitForRPCs().catch(() => undefined);
            let quiet = 0;
            let seen = programErrors.length;
            for (let turn = 0; turn < 100 && quiet < 3; turn++) {
                await new Promise((resolve) => setImmediate(resolve));
                quiet = programErrors.length === seen ? quiet + 1 : 0;
                seen = programErrors.length;
            }
        }
        // Node reports unhandled rejections once the microtask queue is empty, before the next macrotask.
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onUnhandled);
        otherListeners.forEach((listener) => process.on("unhandledRejection", listener));
    }
    // A stack read without outputs explains every failure that follows from it.
    if (referenceErrors.length > 0) {
        throw referenceErrors[0];
    }
    if (programErrors.length > 0) {
        throw programErrors[0];
    }

    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [key, value] of Object.entries(exported)) {
        const { value: resolved, secret } = await resolve(pulumi.output(value));
        outputs[key] = secret ? SECRET : plain(resolved);
        if (secret) {
            secretOutputs.push(key);
        }
    }
    recorded.sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
    // Play the deploy: every create's preconditions in place by then, every name one AWS accepts.
    const existing = Object.values(options.referencedResources ?? {}).flat();
    const unknownStacks = Object.keys(options.references ?? {}).filter((name) => options.referencedResources?.[name] === undefined);
    const violations = [...checkOrder(recorded, { existing, unknownStacks }), ...checkNames(recorded)];
    if (violations.length > 0) {
        throw new DeployModelError(options.stack, violations);
    }
    return { stack: options.stack, resources: recorded, outputs, secretOutputs };
}
