// The only composer: settings → Network → Cluster → addons; exports the stack outputs other teams
// read with StackReference (docs/teams.md "Stack outputs").
import { loadSettings } from "./stacks";
import { preflight } from "./stacks/preflight";
import { Network } from "./components/network";
import { Cluster } from "./components/cluster";
import { LoadBalancerController } from "./components/addons/lbc";
import { MetricsServer } from "./components/addons/metrics-server";
import { Istio, SHARED_GATEWAY } from "./components/addons/istio";
import { Locust } from "./components/addons/locust";
import { MeshObservability } from "./components/addons/observability";
import { Karpenter } from "./components/addons/karpenter";
import { NODE_POOL_NAME, nodePoolPlacement } from "./components/addons/names";
import { EntrypointAlarms } from "./components/alarms";
import { loadBalancerNameFor } from "./components/alb";
import { EntrypointCertificate, EntrypointRecord } from "./components/https";
import { trafficListenerPort } from "./components/entrypoint";
import { VERSIONS } from "./components/versions";
import { ZeroDowntimeService } from "./components/app/zero-downtime-service";
import { ANY_HOST, gatewayServerHosts } from "./components/app/routes";
import { ServiceNamespace } from "./components/service-namespace";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const settings = loadSettings();
settings.warnings.forEach((w) => void pulumi.log.warn(w));
const { stack, addons } = settings;

// Every AWS resource of the stack, the remote components' children included, gets the stack's tags
// from the provider (pulumi-aws `defaultTags`), so nothing depends on each resource passing them on.
// What settings cannot see offline (the deploying principal, what a previous `up` left) is looked up
// first, with the stack's own credentials and region through a provider of its own: the stack's
// provider takes its region only from the passed preflight, so no AWS resource (nor anything that
// waits for one) is created when it fails (stacks/preflight.ts).
const awsRegion = settings.region as aws.Region;
const preflightProvider = new aws.Provider(`${stack}-aws-preflight`, { region: awsRegion });
const awsProvider = new aws.Provider(`${stack}-aws`, {
    region: preflight(settings, preflightProvider).apply(() => awsRegion),
    defaultTags: { tags: settings.tags },
});
const onAws = { providers: { aws: awsProvider } };

const network = new Network(
    `${stack}-network`,
    {
        clusterName: settings.cluster.name,
        ...settings.network,
        tags: settings.tags,
    },
    onAws,
);

const { name: physicalClusterName, ...clusterSettings } = settings.cluster;
const cluster = new Cluster(
    `${stack}-cluster`,
    {
        clusterName: physicalClusterName,
        ...clusterSettings,
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        tags: settings.tags,
    },
    onAws,
);

// Every Kubernetes resource below goes to this stack's cluster.
const inCluster = { providers: { kubernetes: cluster.provider, aws: awsProvider } };
// Nodes have joined and CoreDNS (which waits for them) serves: pods can schedule and resolve names.
const nodesReady = cluster.coreDns;

const lbc = addons.loadBalancerController.enabled
    ? new LoadBalancerController(
          `${stack}-lbc`,
          {
              clusterName: cluster.clusterName,
              region: settings.region,
              vpcId: network.vpcId,
              oidcProviderArn: cluster.oidcProviderArn,
              oidcIssuer: cluster.oidcIssuer,
              replicas: addons.loadBalancerController.replicas,
              nodesReady,
              tags: settings.tags,
          },
          inCluster,
      )
    : undefined;

if (addons.metricsServer.enabled) {
    new MetricsServer(`${stack}-metrics-server`, { nodesReady }, inCluster);
}

// The entrypoint ALB (Istio's, or the app's own without Istio) gets a fixed name, so the alarms find it.
const entrypointName = loadBalancerNameFor(settings.cluster.name, "edge");
// With a domain: an issued certificate before the entrypoint's Ingress names it.
const certificate = settings.domain
    ? new EntrypointCertificate(`${stack}-https`, { ...settings.domain, tags: settings.tags }, onAws)
    : undefined;
const tls = certificate ? { certificateArn: certificate.certificateArn } : {};

// Karpenter's NodePool runs the app and the Locust workers; the node group keeps the platform's pods.
const nodePool = settings.capacity.nodePool;
const karpenter =
    addons.karpenter.enabled && nodePool
        ? new Karpenter(
              `${stack}-karpenter`,
              {
                  ...addons.karpenter,
                  maxNodes: nodePool.maxNodes,
                  nodeSize: nodePool.nodeSize,
                  clusterName: cluster.clusterName,
                  region: settings.region,
                  oidcProviderArn: cluster.oidcProviderArn,
                  oidcIssuer: cluster.oidcIssuer,
                  nodeSecurityGroupId: cluster.nodeSecurityGroupId,
                  nodesReady,
                  tags: settings.tags,
              },
              inCluster,
          )
        : undefined;
// Workloads pinned to the NodePool's nodes (its label, and a toleration of its taint, which keeps
// every other pod off them), created after it and deleted before it (so their pods go first, and
// the NodePool's own deletion only drains what is left).
const onNodePool = karpenter ? nodePoolPlacement(NODE_POOL_NAME) : undefined;
const afterNodePool = karpenter ? [karpenter.nodePool] : [];

// Settings guarantee the controller is on whenever Istio is (its entrypoint is an ALB Ingress).
const istio =
    addons.istio.enabled && lbc
        ? new Istio(
              `${stack}-istio`,
              {
                  kubernetesVersion: settings.cluster.version,
                  mtlsMode: addons.istio.mtlsMode,
                  ingressScheme: addons.istio.ingressScheme,
                  gatewayTiming: addons.istio.gatewayTiming,
                  sidecarInboundDrainSeconds: addons.istio.sidecarInboundDrainSeconds,
                  loadBalancerName: entrypointName,
                  ...tls,
                  nodesReady,
                  loadBalancerController: lbc.release,
                  tags: settings.tags,
                  // The app on every host; each team on the hosts it was given (stacks/sections/teams.ts).
                  gatewayHosts: gatewayServerHosts([
                      ...(settings.app.enabled ? [{ namespace: settings.app.namespace, hosts: [ANY_HOST] }] : []),
                      ...settings.teams.map((t) => ({ namespace: t.name, hosts: t.hosts })),
                  ]),
              },
              inCluster,
          )
        : undefined;

// Settings allow the dashboards only with Istio (they show the mesh).
const observability =
    addons.observability.enabled && istio
        ? new MeshObservability(`${stack}-observability`, { dependsOn: [nodesReady, istio.istiod] }, inCluster)
        : undefined;

const locust = addons.locust.enabled
    ? new Locust(
          `${stack}-locust`,
          {
              targetHost: addons.locust.targetHost,
              maxWorkers: addons.locust.maxWorkers,
              meshInjection: istio !== undefined,
              dependsOn: [nodesReady, ...(istio ? [istio.istiod] : []), ...afterNodePool],
              ...(onNodePool ? { workerNodeSelector: onNodePool.nodeSelector, workerTolerations: onNodePool.tolerations } : {}),
          },
          inCluster,
      )
    : undefined;

// Pods in the platform's namespaces wait for the controller's webhook and istiod's injector.
const podWebhooks = lbc ? [lbc.release, ...(istio ? [istio.istiod] : [])] : [];

// The namespaces the platform owns: the app's, and one per team with its deployer's access (settings
// guarantee the controller is on whenever the app or a team is).
const appSpace =
    settings.app.enabled && lbc
        ? new ServiceNamespace(
              `${stack}-app-namespace`,
              {
                  name: settings.app.namespace,
                  mesh: istio !== undefined,
                  albTargets: istio === undefined,
                  // Up to 0.1.0 ZeroDowntimeService created the namespace as its child `<stack>-app-ns`.
                  formerUrn: pulumi.createUrn(
                      `${stack}-app-ns`,
                      "kubernetes:core/v1:Namespace",
                      pulumi.createUrn(`${stack}-app`, "zero-downtime-eks:app:ZeroDowntimeService"),
                  ),
                  dependsOn: podWebhooks,
              },
              inCluster,
          )
        : undefined;
const teamNamespaces = lbc
    ? settings.teams.map(
          (team) =>
              new ServiceNamespace(
                  `${stack}-team-${team.name}`,
                  {
                      name: team.name,
                      mesh: istio !== undefined,
                      albTargets: istio === undefined,
                      deployer: { principalArn: team.principalArn, clusterName: cluster.clusterName, tags: settings.tags },
                      dependsOn: podWebhooks,
                  },
                  inCluster,
              ),
      )
    : [];

const app =
    appSpace && lbc
        ? new ZeroDowntimeService(
              `${stack}-app`,
              {
                  ...settings.app,
                  kubernetesVersion: settings.cluster.version,
                  mesh: istio !== undefined,
                  sidecarInboundDrainSeconds: addons.istio.sidecarInboundDrainSeconds,
                  // The platform's app is the catch-all: every host, every path no team claims (rules/routes.ts).
                  exposure: istio
                      ? { kind: "istio-gateway", gateway: SHARED_GATEWAY, hosts: [ANY_HOST], pathPrefix: "/" }
                      : { kind: "alb", scheme: settings.app.ingress.scheme, loadBalancerName: entrypointName, ...tls },
                  dependsOn: [appSpace.namespace, ...podWebhooks, ...afterNodePool],
                  ...onNodePool,
                  tags: settings.tags,
              },
              inCluster,
          )
        : undefined;

// The ALB in front of the app: the Istio entrypoint, or the app's own.
const entrypoint = app?.ingress ?? istio?.ingress;

// The domain's alias record to the entrypoint ALB, once its Ingress has an address.
const record =
    settings.domain && entrypoint
        ? new EntrypointRecord(
              `${stack}-https`,
              { ...settings.domain, loadBalancerName: entrypointName, ingressHostname: entrypoint.status.loadBalancer.ingress[0].hostname },
              onAws,
          )
        : undefined;

// Its 5xx and unhealthy targets alarm the stack's topic; its target group is the one its traffic
// listener forwards to (components/alarms.ts), and an alarm fires when what they watch is gone.
const alarms =
    settings.alarms.enabled && entrypoint
        ? new EntrypointAlarms(
              `${stack}-alarms`,
              {
                  loadBalancerName: entrypointName,
                  ingressHostname: entrypoint.status.loadBalancer.ingress[0].hostname,
                  listenerPort: trafficListenerPort(settings.domain !== undefined),
                  dashboardName: `${settings.cluster.name}-entrypoint`,
                  region: settings.region,
                  periodSeconds: settings.alarms.periodSeconds,
                  evaluationPeriods: settings.alarms.evaluationPeriods,
                  tags: settings.tags,
              },
              onAws,
          )
        : undefined;

// The stack outputs (docs/teams.md "Stack outputs"): one object, the module's export. An output that does not
// apply to this stack (its addon off, no domain, no teams) is left out of it instead of exported as
// undefined: Pulumi leaves an undefined export out of the outputs as well, but prints "Undefined value
// (<name>) will not show as a stack output" for each, a warning on every clean `pulumi up` of a stack
// without them (@pulumi/pulumi runtime/stack.js `massage`, v3.270.0). A team's StackReference reads
// the same either way: the output is absent.
export = {
    region: settings.region,
    clusterName: cluster.clusterName,
    kubeconfig: cluster.kubeconfig,
    oidcProviderArn: cluster.oidcProviderArn,
    // The outputs contract (docs/teams.md): the issuer without `https://`, the prefix of IRSA condition keys. pulumi-eks's own
    // `oidcProviderUrl` keeps the scheme; its `oidcIssuer` is this form (nodejs/eks/cluster/cluster.ts, v4.3.0).
    oidcProviderUrl: cluster.oidcIssuer,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    nodeSecurityGroupId: cluster.nodeSecurityGroupId,
    // What a team's own ZeroDowntimeService needs to know of the platform (docs/teams.md).
    kubernetesVersion: settings.cluster.version,
    // Addon outputs are absent when the addon is switched off.
    ...(lbc ? { loadBalancerControllerRoleArn: lbc.roleArn } : {}),
    // The Istio Gateway a team's VirtualService binds to, and how long every sidecar keeps accepting inbound
    // connections once its pod terminates (the mesh's drainDuration, rules/timing.ts).
    ...(istio
        ? {
              istioVersion: VERSIONS.istio.version,
              ingressGatewayService: istio.ingressGatewayService,
              sharedGateway: SHARED_GATEWAY,
              sidecarInboundDrainSeconds: addons.istio.sidecarInboundDrainSeconds,
          }
        : {}),
    ...(locust ? { locustUiCommand: locust.uiCommand } : {}),
    // Port-forward commands for Grafana, Kiali and Prometheus (absent when the dashboards are off).
    ...(observability ? { observabilityCommands: observability.uiCommands } : {}),
    // The DNS name of the ALB in front of the platform (the Istio entrypoint, or the app's own).
    ...(entrypoint ? { ingressHost: entrypoint.status.loadBalancer.ingress[0].hostname } : {}),
    ...(app && entrypoint ? { appUrl: pulumi.interpolate`http://${entrypoint.status.loadBalancer.ingress[0].hostname}` } : {}),
    ...(app ? { appNamespace: app.namespace } : {}),
    // Subscribe to it to hear of any 5xx at the entrypoint; the dashboard shows requests, 5xx, latency and targets.
    ...(alarms ? { alarmTopicArn: alarms.topicArn } : {}),
    // The entrypoint over HTTPS, when the stack has a domain (docs/addons.md "HTTPS").
    ...(record ? { httpsUrl: record.url } : {}),
    ...(alarms ? { entrypointDashboard: alarms.dashboardName } : {}),
    // Teams that add their own NodePools reuse the node role (its access entry lets nodes join).
    ...(karpenter ? { nodePoolName: karpenter.nodePoolName, karpenterNodeRoleArn: karpenter.nodeRoleArn } : {}),
    // Each team's namespace and, behind the mesh, the hosts and path prefix the shared Gateway gives it
    // (docs/teams.md); absent without teams.
    ...(teamNamespaces.length > 0
        ? {
              teams: Object.fromEntries(
                  settings.teams.map((t) => [
                      t.name,
                      { namespace: t.name, ...(istio ? { hosts: t.hosts, pathPrefix: t.pathPrefix } : {}) },
                  ]),
              ),
          }
        : {}),
};
