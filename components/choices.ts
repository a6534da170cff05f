// Every closed set of choices a component accepts, declared once: the components' argument types
// use the unions, config validation checks against the arrays. Pure: no Pulumi import.

/** `single`: one NAT gateway for the VPC; `onePerAz`: one per availability zone (awsx NatGatewayStrategy). */
export const NAT_GATEWAY_MODES = ["single", "onePerAz"] as const;
export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];

/** Istio PeerAuthentication modes the platform offers mesh-wide (security.istio.io/v1 PeerAuthentication). */
export const MTLS_MODES = ["STRICT", "PERMISSIVE"] as const;
export type MtlsMode = (typeof MTLS_MODES)[number];

/** ALB schemes (alb.ingress.kubernetes.io/scheme, docs/guide/ingress/annotations.md). */
export const LOAD_BALANCER_SCHEMES = ["internet-facing", "internal"] as const;
export type LoadBalancerScheme = (typeof LOAD_BALANCER_SCHEMES)[number];
