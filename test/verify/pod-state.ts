// A pod as the cluster client reports it (verify/cluster-client.ts PodState), for the tests that
// build pods by hand: a running ReplicaSet pod of the app's namespace on node-a, unless told otherwise.
import type { PodState } from "../../verify/cluster-client";

export const podState = (name: string, extra: Partial<PodState> = {}): PodState => ({
    namespace: "web",
    name,
    nodeName: "node-a",
    phase: "Running",
    labels: {},
    createdAt: 0,
    readinessGates: [],
    conditions: {},
    ownerKind: "ReplicaSet",
    mirror: false,
    ...extra,
});
