// The only composer: settings → Network → Cluster → addons; exports the stack outputs other teams
// read with StackReference (README "Stack outputs").
import { loadSettings } from "./stacks";
import { Network } from "./components/network";
import { Cluster } from "./components/cluster";
import { LoadBalancerController } from "./components/addons/lbc";
import { MetricsServer } from "./components/addons/metrics-server";
import { Istio, SHARED_GATEWAY } from "./components/addons/istio";
import { Locust } from "./components/addons/locust";
import { VERSIONS } from "./components/versions";
import { ZeroDowntimeService } from "./components/app/zero-downtime-service";
import * as pulumi from "@pulumi/pulumi";

const settings = loadSettings();
settings.warnings.forEach((w) => void pulumi.log.warn(w));
const { stack, addons } = settings;

const network = new Network(`${stack}-network`, {
    clusterName: settings.cluster.name,
    ...settings.network,
    tags: settings.tags,
});

const { name: physicalClusterName, ...clusterSettings } = settings.cluster;
const cluster = new Cluster(`${stack}-cluster`, {
    clusterName: physicalClusterName,
    ...clusterSettings,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    tags: settings.tags,
});

// Every Kubernetes resource below goes to this stack's cluster.
const inCluster = { providers: [cluster.provider] };
const nodesReady = cluster.nodeGroup;

const lbc = addons.loadBalancerController.enabled
    ? new LoadBalancerController(
          `${stack}-lbc`,
          {
              clusterName: cluster.clusterName,
              region: settings.region,
              vpcId: network.vpcId,
              oidcProviderArn: cluster.oidcProviderArn,
              oidcProviderUrl: cluster.oidcProviderUrl,
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
                  nodesReady,
                  loadBalancerController: lbc.release,
                  tags: settings.tags,
              },
              inCluster,
          )
        : undefined;

const locust = addons.locust.enabled
    ? new Locust(
          `${stack}-locust`,
          {
              targetHost: addons.locust.targetHost,
              maxWorkers: addons.locust.maxWorkers,
              meshInjection: istio !== undefined,
              dependsOn: istio ? [nodesReady, istio.istiod] : [nodesReady],
          },
          inCluster,
      )
    : undefined;

// Settings guarantee the controller is on whenever the app is.
const app =
    settings.app.enabled && lbc
        ? new ZeroDowntimeService(
              `${stack}-app`,
              {
                  ...settings.app,
                  kubernetesVersion: settings.cluster.version,
                  mesh: istio !== undefined,
                  exposure: istio
                      ? { kind: "istio-gateway", gateway: SHARED_GATEWAY }
                      : { kind: "alb", scheme: settings.app.ingress.scheme },
                  dependsOn: istio ? [lbc.release, istio.istiod] : [lbc.release],
                  tags: settings.tags,
              },
              inCluster,
          )
        : undefined;

// The ALB in front of the app: the Istio entrypoint, or the app's own.
const entrypoint = app?.ingress ?? istio?.ingress;

export const region = settings.region;
export const clusterName = cluster.clusterName;
export const kubeconfig = cluster.kubeconfig;
export const oidcProviderArn = cluster.oidcProviderArn;
export const oidcProviderUrl = cluster.oidcProviderUrl;
export const vpcId = network.vpcId;
export const publicSubnetIds = network.publicSubnetIds;
export const privateSubnetIds = network.privateSubnetIds;
export const nodeSecurityGroupId = cluster.nodeSecurityGroupId;
// Addon outputs are absent when the addon is switched off.
export const loadBalancerControllerRoleArn = lbc?.roleArn;
export const istioVersion = istio ? VERSIONS.istio.version : undefined;
export const ingressGatewayService = istio?.ingressGatewayService;
export const locustUiCommand = locust?.uiCommand;
export const appUrl = app && entrypoint ? pulumi.interpolate`http://${entrypoint.status.loadBalancer.ingress[0].hostname}` : undefined;
export const appNamespace = app?.namespace;
