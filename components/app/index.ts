// The app component as a library: the root of the `zero-downtime-eks-service` package
// (packages/zero-downtime-eks-service), what a team's own Pulumi program imports to deploy a service
// with the platform's zero-downtime settings.
export { ZeroDowntimeService, DEFAULT_DISRUPTION_BUDGET } from "./zero-downtime-service";
export type { ZeroDowntimeServiceArgs } from "./zero-downtime-service";
export { serviceArgs } from "./service-args";
export type { PlatformPlacement, ServiceInputs } from "./service-args";
export { APP_DEFAULTS } from "./defaults";
export { validateZeroDowntimeServiceArgs } from "./validate";
export { NODE_POOL_LABEL, nodePoolPlacement } from "../addons/names";
export type { Toleration } from "../addons/names";
export { ANY_HOST, meshRoute } from "./routes";
export type { MeshRoute } from "./routes";
