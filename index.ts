// The only composer: settings → Network → Cluster → (addons → app); exports the stack outputs
// other teams read with StackReference (README "Stack outputs").
import { loadSettings } from "./stacks";
import { Network } from "./components/network";
import { Cluster } from "./components/cluster";

const settings = loadSettings();

const network = new Network(`${settings.stack}-network`, {
    clusterName: settings.cluster.name,
    cidrBlock: settings.network.cidrBlock,
    availabilityZoneCount: settings.network.availabilityZoneCount,
    natGateways: settings.network.natGateways,
    tags: settings.tags,
});

const cluster = new Cluster(`${settings.stack}-cluster`, {
    clusterName: settings.cluster.name,
    version: settings.cluster.version,
    instanceType: settings.cluster.instanceType,
    minSize: settings.cluster.minSize,
    desiredSize: settings.cluster.desiredSize,
    maxSize: settings.cluster.maxSize,
    publicAccessCidrs: settings.cluster.publicAccessCidrs,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    tags: settings.tags,
});

export const region = settings.region;
export const clusterName = cluster.clusterName;
export const kubeconfig = cluster.kubeconfig;
export const oidcProviderArn = cluster.oidcProviderArn;
export const oidcProviderUrl = cluster.oidcProviderUrl;
export const vpcId = network.vpcId;
export const publicSubnetIds = network.publicSubnetIds;
export const privateSubnetIds = network.privateSubnetIds;
export const nodeSecurityGroupId = cluster.nodeSecurityGroupId;
