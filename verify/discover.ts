// Before anything changes: read what verify will touch and refuse (InputError) when the app is not
// there as the stack says, or not at rest.
import { COLORS, COLOR_LABEL } from "../components/app/labels";
import type { ClusterClient, DeploymentState, HpaState } from "./cluster-client";
import { JOB_NAMESPACE, LOCUSTFILE_CONFIG_MAP } from "./job";
import { InputError, Plan } from "./plan";

/** A Deployment as found: the values verify must put back. */
export interface WorkloadState {
    namespace: string;
    deployment: string;
    /** HPA of the Deployment as found; undefined when the Deployment has none. */
    hpa?: HpaState;
    /** spec.replicas as found. */
    replicas: number;
    /** spec.selector.matchLabels: its pods. */
    selector: Record<string, string>;
}

/** The live objects verify works on, and the values it must put back. */
export interface Target extends WorkloadState {
    colors?: { active: string; idle: string };
    /** The ingress gateway, when the plan has one (Istio). */
    gateway?: WorkloadState;
}

export const other = (color: string): string => COLORS.find((c) => c !== color) ?? color;

/** At rest: the current template everywhere, every pod available, no old pod still terminating. */
export function atRest(d: DeploymentState, pods: number): boolean {
    return (
        d.observedGeneration >= d.generation &&
        d.updatedReplicas === d.replicas &&
        d.currentReplicas === d.replicas &&
        d.availableReplicas === d.replicas &&
        pods === d.replicas
    );
}

export function describe(d: DeploymentState, pods: number): string {
    return `${d.updatedReplicas}/${d.replicas} updated, ${d.availableReplicas} available, ${pods} pods`;
}

/** Reads what verify will touch; fails with InputError (changing nothing) when the app is not there as expected. */
export async function discover(client: ClusterClient, plan: Plan): Promise<Target> {
    const { namespace, name } = plan.app;
    const notDeployed = `the app is not deployed (run pulumi up for this stack first): no`;
    const service = await client.getService(namespace, name);
    if (service === undefined) {
        throw new InputError(`${notDeployed} Service ${namespace}/${name}`);
    }
    let deployment = name;
    let colors: Target["colors"];
    if (plan.app.blueGreen) {
        const active = service.selector[COLOR_LABEL];
        if (!(COLORS as readonly string[]).includes(active)) {
            throw new InputError(`Service ${namespace}/${name} selects no color (label ${COLOR_LABEL}: blue or green)`);
        }
        colors = { active, idle: other(active) };
        deployment = `${name}-${active}`;
    }
    const d = await client.getDeployment(namespace, deployment);
    if (d === undefined) {
        throw new InputError(`${notDeployed} Deployment ${namespace}/${deployment}`);
    }
    const pods = await client.countPods(namespace, d.selector);
    if (!atRest(d, pods)) {
        throw new InputError(`Deployment ${namespace}/${deployment} is not at rest (${describe(d, pods)}); run verify once it is`);
    }
    if (plan.phases.includes("scale-in") && (plan.scaleInTo ?? 1) >= d.replicas) {
        const asked = plan.scaleInTo === undefined ? "a scale-in needs at least 2" : `--scale-in-to ${plan.scaleInTo} is no scale-in`;
        throw new InputError(`Deployment ${namespace}/${deployment} runs ${d.replicas} replica(s): ${asked}`);
    }
    const keys = await client.getConfigMapKeys(JOB_NAMESPACE, LOCUSTFILE_CONFIG_MAP.name);
    if (!keys?.includes(LOCUSTFILE_CONFIG_MAP.key)) {
        const cm = `${JOB_NAMESPACE}/${LOCUSTFILE_CONFIG_MAP.name}`;
        throw new InputError(`no locustfile: ConfigMap ${cm} with key ${LOCUSTFILE_CONFIG_MAP.key} is missing (is the Locust addon on?)`);
    }
    if (colors !== undefined && plan.phases.includes("blue-green")) {
        const idle = await client.getDeployment(namespace, `${name}-${colors.idle}`);
        if (idle === undefined || idle.availableReplicas === 0) {
            throw new InputError(`the idle color's Deployment ${namespace}/${name}-${colors.idle} has no available pod to switch to`);
        }
    }
    const hpa = await client.getHpa(namespace, deployment);
    let gateway: WorkloadState | undefined;
    if (plan.gateway !== undefined) {
        const g = await client.getDeployment(plan.gateway.namespace, plan.gateway.name);
        if (g === undefined) {
            throw new InputError(`${notDeployed} ingress gateway Deployment ${plan.gateway.namespace}/${plan.gateway.name}`);
        }
        const gatewayHpa = await client.getHpa(plan.gateway.namespace, plan.gateway.name);
        gateway = {
            namespace: plan.gateway.namespace,
            deployment: plan.gateway.name,
            hpa: gatewayHpa,
            replicas: g.replicas,
            selector: g.selector,
        };
    }
    return { namespace, deployment, hpa, replicas: d.replicas, selector: d.selector, colors, gateway };
}
