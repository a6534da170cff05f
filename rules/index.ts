// The rules as a library (`zero-downtime-eks-service/rules`, packages/zero-downtime-eks-service): the same checks the platform's config,
// its components and its policy pack apply, for a team's own tests or tools. Pure: no Pulumi import.
export * from "./timing";
export * from "./rollout";
export * from "./drain";
export * from "./aws-limits";
export * from "./spike";
export * from "./aws-names";
export * from "./order";
export * from "./access";
export * from "./routes";
